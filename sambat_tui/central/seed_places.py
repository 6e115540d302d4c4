"""Places of Malang for the seeder: streets and landmarks per kecamatan, and how addresses are written.

Street names are real streets of Kota Malang, grouped by the kecamatan they (mostly) run through, so that a
complaint from Lowokwaru mentions Jl. Soekarno Hatta and one from Kedungkandang Jl. Danau Toba.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

STREETS: Final = MappingProxyType(
    {
        "Blimbing": (
            "Jl. Letjen Sutoyo",
            "Jl. Sulfat",
            "Jl. Borobudur",
            "Jl. LA Sucipto",
            "Jl. Raden Intan",
            "Jl. Tenaga",
            "Jl. Cakalang",
            "Jl. Hamid Rusdi",
            "Jl. Ciliwung",
            "Jl. Teluk Grajakan",
            "Jl. Teluk Mandar",
            "Jl. Indragiri",
            "Jl. Sunandar Priyo Sudarmo",
            "Jl. Simpang LA Sucipto",
            "Jl. Ahmad Yani",
            "Jl. Pahlawan Trip",
        ),
        "Kedungkandang": (
            "Jl. Danau Toba",
            "Jl. Danau Kerinci",
            "Jl. Danau Sentani",
            "Jl. Danau Ranau",
            "Jl. Danau Maninjau",
            "Jl. Mayjen Sungkono",
            "Jl. Ki Ageng Gribig",
            "Jl. Ranugrati",
            "Jl. Muharto",
            "Jl. Kolonel Sugiono",
            "Jl. Raya Kedungkandang",
            "Jl. Raya Madyopuro",
            "Jl. Raya Sawojajar",
            "Jl. Tlogowaru",
            "Jl. Raya Buring",
            "Jl. Kyai Parseh Jaya",
        ),
        "Klojen": (
            "Jl. Ijen",
            "Jl. Besar Ijen",
            "Jl. Kawi",
            "Jl. Veteran",
            "Jl. Semeru",
            "Jl. Basuki Rahmat",
            "Jl. Merdeka Utara",
            "Jl. Jaksa Agung Suprapto",
            "Jl. Bandung",
            "Jl. Guntur",
            "Jl. Pattimura",
            "Jl. Gatot Subroto",
            "Jl. Kahuripan",
            "Jl. Tangkuban Perahu",
            "Jl. Arjuno",
            "Jl. Bromo",
            "Jl. Wilis",
            "Jl. Kelud",
            "Jl. Trunojoyo",
            "Jl. Sultan Agung",
            "Jl. Brigjen Slamet Riadi",
            "Jl. Zainul Arifin",
            "Jl. Gajahmada",
            "Jl. Kyai Tamin",
        ),
        "Lowokwaru": (
            "Jl. Soekarno Hatta",
            "Jl. MT Haryono",
            "Jl. Gajayana",
            "Jl. Sumbersari",
            "Jl. Bendungan Sutami",
            "Jl. Kalpataru",
            "Jl. Candi Panggung",
            "Jl. Sudimoro",
            "Jl. Raya Tlogomas",
            "Jl. Jakarta",
            "Jl. Bogor",
            "Jl. Simpang Borobudur",
            "Jl. Kertoraharjo",
            "Jl. Mertojoyo",
            "Jl. Saxophone",
            "Jl. Ikan Tombro",
            "Jl. Akordion",
            "Jl. Joyo Agung",
            "Jl. Candi Mendut",
            "Jl. Vinolia",
            "Jl. Cengger Ayam",
        ),
        "Sukun": (
            "Jl. S. Supriadi",
            "Jl. Raya Langsep",
            "Jl. Terusan Dieng",
            "Jl. Gadang",
            "Jl. IR Rais",
            "Jl. Janti",
            "Jl. Bandulan",
            "Jl. Raya Mulyorejo",
            "Jl. Satsui Tubun",
            "Jl. Arif Margono",
            "Jl. Keben",
            "Jl. Klayatan",
            "Jl. Kebonsari",
            "Jl. Raya Bakalan",
            "Jl. Merpati",
            "Jl. Kemirahan",
            "Jl. Pelabuhan Tanjung Priok",
        ),
    }
)

LANDMARKS: Final = MappingProxyType(
    {
        "Blimbing": (
            "Pasar Blimbing",
            "Terminal Arjosari",
            "Kampung Warna-warni Jodipan",
            "Plaza Araya",
            "Pasar Bunulrejo",
            "Masjid Ar-Rahman",
            "kantor Kelurahan Purwodadi",
            "Perumahan Araya",
            "SPBU Blimbing",
        ),
        "Kedungkandang": (
            "Terminal Hamid Rusdi",
            "Pasar Kedungkandang",
            "Pasar Madyopuro",
            "kantor Kecamatan Kedungkandang",
            "Perumahan Sawojajar 2",
            "Perumahan Puri Cempaka Putih",
            "Masjid Al-Ikhlas",
            "pertigaan Lesanpuro",
            "Pasar Sawojajar",
        ),
        "Klojen": (
            "Alun-alun Merdeka",
            "Bundaran Tugu",
            "Kayutangan Heritage",
            "Pasar Besar",
            "Stasiun Malang Kota Baru",
            "Stadion Gajayana",
            "Gereja Kayutangan",
            "Masjid Agung Jami'",
            "Mall Olympic Garden",
            "Taman Merbabu",
            "Pasar Oro-oro Dowo",
            "Kampung Biru Arema",
        ),
        "Lowokwaru": (
            "Universitas Brawijaya",
            "UIN Maulana Malik Ibrahim",
            "Malang Town Square",
            "Pasar Dinoyo",
            "Politeknik Negeri Malang",
            "Taman Krida Budaya",
            "Perumahan Griya Shanta",
            "Taman Singha Merjosari",
            "Universitas Negeri Malang",
            "Pasar Tawangmangu",
        ),
        "Sukun": (
            "Pasar Gadang",
            "Pasar Induk Gadang",
            "Pasar Sukun",
            "TPA Supit Urang",
            "Perumahan Bukit Dieng",
            "makam Sukun",
            "Pasar Bandulan",
            "perempatan Janti",
            "jembatan Kebonsari",
        ),
    }
)


def lowercase_street(street: str) -> str:
    """How people type a street in a hurry: ``Jl. Soekarno Hatta`` -> ``jl soekarno hatta``."""
    return street.replace("Jl. ", "jl ").lower()


NATIONAL_ROADS: Final = frozenset(
    {"Jl. Ahmad Yani", "Jl. Letjen Sutoyo", "Jl. Gatot Subroto", "Jl. Kolonel Sugiono", "Jl. S. Supriadi"}
)
"""Streets of the city that are national roads: a pothole there is BBPJN's, whatever the router says."""
