"""Reading the data files that ship inside the package (``domain/data``, the UI's message catalogues), and the
error a malformed data file (shipped, or a city's own copy) raises.

``pkgutil.get_data`` asks the package's loader for the file, as ``importlib.resources`` does, so a source
tree, an installed wheel and a zip archive all work. ``importlib.resources`` itself is not used on the way
to the app's first frame: its modules (and ``zipfile``, which they import) took 10-20 ms to load there.
"""

from __future__ import annotations

import pkgutil


def package_text(package: str, *parts: str) -> str:
    """The UTF-8 text of the file ``parts`` (joined by ``/``) inside ``package``.

    Raises ``FileNotFoundError`` when the package has no such file.
    """
    resource = "/".join(parts)
    data = pkgutil.get_data(package, resource)
    if data is None:  # a loader that cannot read files (none of ours): say so rather than return nothing
        raise FileNotFoundError(f"{package} cannot read its file {resource}")
    return data.decode("utf-8")


class DataFileError(ValueError):
    """A data file is malformed; the message names the file and, when it can, the line."""

    def __init__(self, source: str, line: int | None, problem: str) -> None:
        self.source = source
        self.line = line
        self.problem = problem
        where = f"{source}, line {line}" if line is not None else source
        super().__init__(f"{where}: {problem}")
