"""Reading the data files that ship inside the package (``domain/data``, the UI's message catalogues).

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
