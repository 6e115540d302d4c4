"""The words of the seeded city: how reporters write per channel, who they are, and what the desks answer.

Everything here is plain data plus the small functions that fill it in with a ``random.Random``, so the same
generator state always gives the same text.
"""

from __future__ import annotations

import random
from datetime import datetime
from types import MappingProxyType
from typing import Final

from sambat_tui.central.seed_places import LANDMARKS, STREETS, lowercase_street
from sambat_tui.domain.calendar import JAKARTA
from sambat_tui.domain.model import Channel

# --- filling a template ---

_DURATIONS: Final = ("3 hari", "seminggu", "2 minggu", "sebulan", "berbulan-bulan", "hampir 2 bulan")
_MONEY: Final = ("150 ribu", "250rb", "350 ribu", "500 ribu", "750rb", "1,2 juta", "2 juta", "3,5 juta")
_PUSKESMAS: Final = MappingProxyType(
    {
        "Blimbing": ("Puskesmas Kendalkerep", "Puskesmas Cisadea", "Puskesmas Pandanwangi"),
        "Kedungkandang": ("Puskesmas Kedungkandang", "Puskesmas Gribig", "Puskesmas Arjowinangun"),
        "Klojen": ("Puskesmas Arjuno", "Puskesmas Bareng", "Puskesmas Rampal Celaket"),
        "Lowokwaru": ("Puskesmas Dinoyo", "Puskesmas Kendalsari", "Puskesmas Mojolangu"),
        "Sukun": ("Puskesmas Janti", "Puskesmas Ciptomulyo", "Puskesmas Mulyorejo"),
    }
)


class Slots(dict[str, str]):
    """Template values made on first use, so a template only draws the randomness it needs.

    The draw order follows the template's slot order, which is fixed per template: deterministic.
    """

    def __init__(self, rng: random.Random, kecamatan: str, kelurahan: str, street: str) -> None:
        super().__init__(kec=kecamatan, kel=kelurahan, jl=street, jl_=lowercase_street(street))
        self._rng = rng

    def __missing__(self, key: str) -> str:
        rng, kecamatan = self._rng, self["kec"]
        value: str
        if key == "gang":
            value = rng.choice(("Gg. {}", "gang {}", "Gang {}")).format(rng.randint(1, 12))
        elif key in ("rt", "rw"):
            value = f"{rng.randint(1, 12 if key == 'rt' else 9):02d}"
        elif key == "dekat":
            value = rng.choice(LANDMARKS[kecamatan])
        elif key == "n":
            value = str(rng.randint(2, 9))
        elif key == "lama":
            value = rng.choice(_DURATIONS)
        elif key == "sdn":
            value = f"SDN {self['kel']} {rng.randint(1, 5)}"
        elif key == "smpn":
            value = f"SMPN {rng.randint(1, 27)} Malang"
        elif key == "pkm":
            value = rng.choice(_PUSKESMAS[kecamatan])
        elif key == "uang":
            value = rng.choice(_MONEY)
        else:
            raise KeyError(f"unknown template slot {{{key}}}")
        self[key] = value
        return value


def pick_street(rng: random.Random, kecamatan: str) -> str:
    return rng.choice(STREETS[kecamatan])


# --- how people write, per channel ---

_ABBREVIATIONS: Final = (
    ("yang ", "yg "),
    ("tidak ", "gak "),
    ("sudah ", "udh "),
    ("dengan ", "dgn "),
    ("untuk ", "utk "),
    ("karena ", "krn "),
    ("tolong ", "tlg "),
    ("depan ", "dpn "),
    ("sekali", "bgt"),
    ("sampai ", "sampe "),
    ("belum ", "blm "),
)

_WEB_OPENERS: Final = (
    "",
    "",
    "Selamat pagi Bapak/Ibu. ",
    "Selamat siang. ",
    "Assalamualaikum wr. wb. ",
    "Permisi, mau melaporkan. ",
    "Saya warga RT {rt}/RW {rw} Kel. {kel}. ",
)
_WEB_CLOSERS: Final = (
    "",
    "",
    " Mohon segera ditindaklanjuti. Terima kasih.",
    " Terima kasih atas perhatiannya.",
    " Mohon bantuannya.",
    " Terima kasih.",
)
_WA_OPENERS: Final = ("", "", "Selamat siang min, ", "Min, mau lapor. ", "Permisi min, ", "Halo admin, ")
_WA_CLOSERS: Final = ("", "", " Matur nuwun 🙏", " Suwun min", " Tolong ya min", " 🙏🙏", " segera ya")
_LAPOR_OPENERS: Final = ("Dengan hormat, ", "Yth. Pemerintah Kota Malang, ", "Kepada Yth. Bapak Wali Kota, ")
_LAPOR_CLOSERS: Final = (
    " Atas perhatiannya saya ucapkan terima kasih.",
    " Demikian laporan saya, terima kasih.",
    " Mohon ditindaklanjuti sesuai kewenangan.",
)
_WALK_IN_OPENERS: Final = (
    "Pelapor datang langsung ke loket pengaduan dan menyampaikan: ",
    "Disampaikan pelapor di loket: ",
    "Warga datang ke loket, keluhannya: ",
)
_PHONE_OPENERS: Final = ("Pelapor menelepon dan menyampaikan: ", "Via telepon, pelapor menyampaikan: ")


def _informal(text: str, rng: random.Random, share: float) -> str:
    for formal, short in _ABBREVIATIONS:
        if formal in text and rng.random() < share:
            text = text.replace(formal, short)
    return text


def _after(opener: str, body: str) -> str:
    # After a greeting that ends a sentence, the report starts with a capital letter.
    return opener + (body[:1].upper() + body[1:] if opener.endswith(". ") else body)


def _sentence(text: str) -> str:
    # A closing phrase after a body that ends without punctuation reads as one run-on sentence.
    return text if text[-1] in ".!?" else text + "."


def channel_text(rng: random.Random, channel: Channel, body: str, slots: Slots) -> str:
    """The description as it arrives through ``channel``: greetings, abbreviations, a clerk's wording."""
    if channel is Channel.SMS:
        text = _informal(body, rng, 0.7)
        text = text.lower() if rng.random() < 0.6 else text
        return ("lapor: " + text) if rng.random() < 0.2 else text
    if channel is Channel.WHATSAPP:
        text = _informal(body, rng, 0.4)
        return _after(rng.choice(_WA_OPENERS), text) + rng.choice(_WA_CLOSERS)
    if channel is Channel.LAPOR:
        return rng.choice(_LAPOR_OPENERS) + _sentence(body) + rng.choice(_LAPOR_CLOSERS)
    if channel is Channel.WALK_IN:
        return rng.choice(_WALK_IN_OPENERS) + body
    if channel is Channel.PHONE:
        return rng.choice(_PHONE_OPENERS) + body
    opener = rng.choice(_WEB_OPENERS).format_map(slots)
    closer = rng.choice(_WEB_CLOSERS)
    return _after(opener, _sentence(body) + closer if closer else body)


# --- who reports ---

_FIRST_NAMES: Final = (
    "Budi",
    "Siti",
    "Agus",
    "Sri",
    "Dwi",
    "Eko",
    "Rina",
    "Wahyu",
    "Nur",
    "Ahmad",
    "Dewi",
    "Bambang",
    "Yuli",
    "Hendra",
    "Fitri",
    "Joko",
    "Lestari",
    "Rizky",
    "Ayu",
    "Slamet",
    "Indah",
    "Dian",
    "Teguh",
    "Ratna",
    "Fajar",
    "Novi",
    "Arif",
    "Endah",
    "Sugeng",
    "Puji",
    "Mochammad",
    "Anik",
    "Heru",
    "Wulan",
    "Yusuf",
    "Retno",
    "Bagus",
    "Kartika",
    "Imam",
    "Mega",
)
_LAST_NAMES: Final = (
    "Santoso",
    "Wijaya",
    "Setiawan",
    "Rahayu",
    "Hidayat",
    "Susanto",
    "Prasetyo",
    "Kurniawan",
    "Wahyuni",
    "Saputra",
    "Handayani",
    "Purnomo",
    "Nugroho",
    "Lestari",
    "Suryani",
    "Hartono",
    "Firmansyah",
    "Utomo",
    "Maulana",
    "Astuti",
    "Fauzi",
    "Sulistyo",
    "Ramadhan",
    "Wibowo",
    "",
    "",
)
_PHONE_PREFIXES: Final = (
    "0812",
    "0813",
    "0821",
    "0822",
    "0852",
    "0853",
    "0857",
    "0856",
    "0878",
    "0877",
    "0896",
    "0838",
    "0881",
)
_MAIL_DOMAINS: Final = ("gmail.com", "gmail.com", "gmail.com", "yahoo.co.id", "ymail.com", "outlook.com")


def person_name(rng: random.Random) -> str:
    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    return f"{first} {last}" if last else first


def phone_number(rng: random.Random) -> str:
    digits = rng.choice((7, 8))
    return f"{rng.choice(_PHONE_PREFIXES)}{rng.randrange(10**digits):0{digits}d}"


def email_of(rng: random.Random, name: str) -> str:
    local = name.lower().replace(" ", rng.choice((".", "", "_")))
    return f"{local}{rng.randint(1, 99)}@{rng.choice(_MAIL_DOMAINS)}"


def nik(rng: random.Random) -> str:
    # 35 = Jawa Timur, 73 = Kota Malang, then the kecamatan, birth date and a running number.
    return f"3573{rng.randrange(10**12):012d}"


# --- what the desks write ---

_MONTHS: Final = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def tanggal(moment: datetime) -> str:
    """A Jakarta date as an Indonesian letter writes it: ``9 Maret 2026``."""
    day = moment.astimezone(JAKARTA)
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


RESPONSES: Final = MappingProxyType(
    {
        "JALAN_RUSAK": (
            "Terima kasih atas laporannya. Tim Bidang Bina Marga DPUPRPKP telah melakukan penambalan lubang"
            " di {jl} pada {tanggal}. Perbaikan menyeluruh sudah kami usulkan dalam anggaran tahun depan.",
            "Laporan sudah kami tindak lanjuti: lokasi di {jl} sudah diaspal ulang pada {tanggal}. Mohon"
            " informasikan bila masih ada kerusakan.",
            "Terima kasih. Petugas UPT Pemeliharaan sudah melakukan perbaikan darurat (tambal sulam) pada"
            " {tanggal}; pengaspalan ulang dijadwalkan setelah musim hujan.",
        ),
        "DRAINASE": (
            "Terima kasih atas laporannya. Tim Bidang Sumber Daya Air telah melakukan pembersihan dan"
            " pengerukan saluran di lokasi pada {tanggal}. Kami mohon warga tidak membuang sampah ke"
            " saluran.",
            "Saluran di {jl} sudah dinormalisasi pada {tanggal}. Pembangunan saluran yang lebih besar masuk"
            " usulan Musrenbang kelurahan.",
        ),
        "PJU": (
            "Terima kasih. Petugas UPT PJU telah mengganti lampu yang mati di {jl} pada {tanggal}; saat ini"
            " lampu sudah menyala kembali.",
            "Laporan sudah kami tindak lanjuti: panel dan kabel PJU di lokasi sudah diperbaiki pada"
            " {tanggal}.",
        ),
        "pju_baru": (
            "Permohonan pemasangan lampu baru sudah kami catat dan masuk daftar prioritas pemasangan tahun"
            " ini.",
            "Lokasi sudah kami survei pada {tanggal}; pemasangan lampu penerangan dijadwalkan bulan depan.",
        ),
        "JEMBATAN_TROTOAR": (
            "Terima kasih. Tim pemeliharaan DPUPRPKP sudah memperbaiki kerusakan di lokasi pada {tanggal}.",
            "Lokasi sudah kami periksa pada {tanggal}; pengaman sementara telah dipasang dan perbaikan"
            " dijadwalkan.",
        ),
        "PUNGLI_SEKOLAH": (
            "Terima kasih atas laporannya. Dinas Pendidikan telah memanggil kepala sekolah dan komite pada"
            " {tanggal}. Pungutan tersebut dibatalkan dan dana yang sudah ditarik akan dikembalikan.",
            "Laporan sudah kami klarifikasi ke sekolah. Sumbangan bersifat sukarela dan tidak boleh"
            " ditentukan jumlah maupun batas waktunya; sekolah sudah kami beri teguran.",
        ),
        "PPDB": (
            "Terima kasih. Panitia SPMB Dinas Pendidikan sudah memeriksa data pendaftaran; hasil verifikasi"
            " dapat dilihat di laman SPMB mulai {tanggal}.",
        ),
        "SARPRAS_SEKOLAH": (
            "Terima kasih. Seksi Sarana dan Prasarana sudah meninjau sekolah pada {tanggal}; perbaikan ruang"
            " kelas masuk program rehabilitasi tahun ini dan sementara siswa belajar di ruang lain yang"
            " aman.",
        ),
        "PARKIR": (
            "Terima kasih atas laporannya. UPT Perparkiran telah melakukan pembinaan kepada juru parkir di"
            " lokasi pada {tanggal}. Tarif resmi parkir motor Rp2.000 dan mobil Rp3.000; mintalah karcis.",
            "Juru parkir yang dilaporkan bukan jukir resmi; bersama Satpol PP telah dilakukan penertiban pada"
            " {tanggal}.",
        ),
        "APILL_RAMBU": (
            "Terima kasih. Lampu lalu lintas di lokasi sudah diperbaiki petugas Bidang Lalu Lintas pada"
            " {tanggal}.",
            "Permohonan rambu dan marka sudah kami survei pada {tanggal} dan masuk jadwal pemasangan bulan"
            " ini.",
        ),
        "ANGKUTAN_UMUM": (
            "Terima kasih. Pengemudi dan pemilik angkutan sudah kami panggil dan beri teguran pada {tanggal}."
            " Tarif resmi mikrolet tetap sesuai Perwali.",
        ),
        "SAMPAH": (
            "Terima kasih atas laporannya. Sampah di lokasi sudah diangkut oleh armada DLH pada {tanggal} dan"
            " jadwal pengangkutan TPS sudah kami tambah.",
            "Sudah kami tindak lanjuti: petugas kebersihan telah membersihkan lokasi pada {tanggal}.",
        ),
        "BUANG_SAMPAH_LIAR": (
            "Terima kasih. Tumpukan sampah liar sudah dibersihkan pada {tanggal} dan dipasang papan larangan."
            " Pelanggar dapat dikenai sanksi sesuai Perda.",
        ),
        "POHON_TAMAN": (
            "Terima kasih. Tim Pertamanan DLH telah melakukan pemotongan dan evakuasi pohon di lokasi pada"
            " {tanggal}; jalan sudah dapat dilalui kembali.",
            "Perantingan pohon di {jl} sudah dilaksanakan pada {tanggal}.",
        ),
        "PENCEMARAN": (
            "Terima kasih. Tim Pengendalian Pencemaran sudah melakukan pengecekan dan pengambilan sampel pada"
            " {tanggal}. Pelaku usaha telah diberi teguran tertulis untuk memperbaiki pengolahan limbahnya.",
        ),
        "PUSKESMAS": (
            "Terima kasih atas masukannya. Kepala puskesmas sudah kami minta memperbaiki pelayanan sejak"
            " {tanggal}. Keluhan juga dapat disampaikan ke kotak saran puskesmas.",
        ),
        "DBD_FOGGING": (
            "Terima kasih. Petugas Dinkes dan puskesmas telah melakukan penyelidikan epidemiologi dan fogging"
            " di lingkungan RW pada {tanggal}. Mohon warga tetap melakukan 3M Plus.",
        ),
        "PKL_KETERTIBAN": (
            "Terima kasih. Satpol PP telah melakukan penertiban di lokasi pada {tanggal} dan akan melakukan"
            " patroli rutin.",
        ),
        "BANGUNAN_REKLAME": (
            "Terima kasih. Reklame/bangunan yang dilaporkan sudah kami periksa perizinannya pada {tanggal};"
            " reklame tanpa izin telah dibongkar.",
        ),
        "AIR_PDAM": (
            "Terima kasih, pelanggan. Tim distribusi Tugu Tirta sudah menangani gangguan di lokasi pada"
            " {tanggal} dan aliran air berangsur normal.",
            "Gangguan disebabkan perbaikan pipa transmisi; layanan sudah normal kembali sejak {tanggal}."
            " Mohon maaf atas ketidaknyamanannya.",
        ),
        "ADMINDUK": (
            "Terima kasih. Dokumen kependudukan Bapak/Ibu sudah selesai dicetak pada {tanggal} dan dapat"
            " diambil di kantor Dispendukcapil dengan membawa tanda terima.",
        ),
        "adminduk_info": (
            "Syarat dan alur layanan sudah kami kirimkan; layanan juga bisa diajukan secara daring tanpa"
            " biaya.",
        ),
        "BANSOS": (
            "Terima kasih. Data keluarga Bapak/Ibu sudah kami verifikasi bersama kelurahan pada {tanggal} dan"
            " diusulkan masuk DTKS periode berikutnya.",
            "Petugas Dinsos sudah mengunjungi warga yang dilaporkan pada {tanggal} dan memberikan bantuan"
            " permakanan.",
        ),
        "TENAGA_KERJA_IZIN": (
            "Terima kasih. Mediator hubungan industrial sudah memanggil pihak perusahaan pada {tanggal} untuk"
            " klarifikasi dan mediasi.",
        ),
        "diskominfo": (
            "Terima kasih. Gangguan sudah diperbaiki oleh tim Diskominfo pada {tanggal}; silakan dicoba"
            " kembali.",
        ),
    }
)
GENERIC_RESPONSES: Final = (
    "Terima kasih atas laporannya. Laporan sudah kami tindak lanjuti pada {tanggal}.",
    "Terima kasih. Petugas sudah ke lokasi pada {tanggal} dan permasalahan sudah ditangani.",
)

INTERIM_RESPONSES: Final = (
    "Terima kasih, laporan sudah kami terima dan sedang ditindaklanjuti. Petugas dijadwalkan ke lokasi.",
    "Laporan sedang kami tindak lanjuti; penanganan memerlukan survei dan koordinasi, mohon ditunggu.",
    "Terima kasih atas laporannya. Permasalahan sudah kami catat dan masuk jadwal penanganan.",
)

NOTES: Final = MappingProxyType(
    {
        "JALAN_RUSAK": (
            "Sudah dicek ke lokasi, lubang kurang lebih 1 x 1,5 m, perlu aspal hotmix.",
            "Masuk daftar tambal sulam minggu ini.",
            "Koordinasi dengan UPT wilayah untuk alat berat.",
        ),
        "DRAINASE": ("Perlu pengerukan manual, koordinasi dengan kelurahan untuk kerja bakti.",),
        "PJU": ("Lampu SON 70 W perlu diganti, stok gudang ada.", "Kabel panel dicuri, lapor ke Polsek."),
        "SAMPAH": ("Armada TPS ini terlambat karena truk servis.", "Tambah ritase pengangkutan sore."),
        "AIR_PDAM": ("Kebocoran di pipa dinas 2 inch, tim distribusi dijadwalkan besok pagi.",),
        "PARKIR": ("Jukir atas nama yang dilaporkan bukan jukir resmi.",),
    }
)
GENERIC_NOTES: Final = (
    "Sudah dikonfirmasi ke pelapor via telepon.",
    "Foto sebelum dan sesudah sudah diunggah.",
    "Mohon dicek ulang kelengkapan data pelapor.",
    "Sudah dikoordinasikan dengan pihak kelurahan.",
    "Laporan serupa pernah masuk bulan lalu, lokasi sama.",
    "Dijadwalkan survei lapangan.",
)
FIELD_NOTES: Final = (
    "Sudah survei ke lokasi, kondisi sesuai laporan. Foto terlampir.",
    "Cek lapangan: kerusakan lebih luas dari laporan, perlu penanganan lanjutan.",
    "Di lokasi sudah ditangani sementara, menunggu material.",
    "Lokasi sulit ditemukan, sudah telepon pelapor untuk patokan.",
)
FIELD_HOLD_REASONS: Final = (
    "Menunggu ketersediaan material",
    "Menunggu anggaran perubahan",
    "Menunggu jadwal alat berat",
    "Cuaca hujan, pekerjaan ditunda",
    "Menunggu koordinasi dengan kelurahan",
)
DESK_HOLD_REASONS: Final = (
    "Menunggu data tambahan dari pelapor",
    "Menunggu verifikasi data dari kelurahan",
    "Menunggu jadwal klarifikasi dengan pihak terkait",
    "Menunggu blanko dari pusat",
)
RESUME_NOTES: Final = ("Material sudah tersedia, pekerjaan dilanjutkan.", "Dilanjutkan sesuai jadwal.")
CITIZEN_REPLIES: Final = (
    "Belum beres pak, di lokasi masih sama seperti sebelumnya.",
    "Kok sudah dibilang selesai, petugasnya belum datang sama sekali.",
    "Cuma ditangani sebagian, sisanya masih belum.",
    "Seminggu kemudian kambuh lagi, mohon dicek ulang.",
    "blm ada perubahan min, tolong dicek lagi",
)
SUPERVISOR_CLOSES: Final = (
    "Pekerjaan selesai, pelapor sudah konfirmasi puas.",
    "Selesai ditangani, dokumentasi terlampir.",
    "Ditutup: tindak lanjut tuntas.",
)
ARCHIVE_VAGUE: Final = (
    "Laporan tidak jelas dan pelapor tidak dapat dihubungi",
    "Lokasi dan permasalahan tidak disebutkan, pelapor tidak merespons konfirmasi",
)
ARCHIVE_OUTSIDE: Final = (
    "Di luar kewenangan instansi dalam SAMBAT; pelapor sudah diarahkan ke instansi yang berwenang",
    "Bukan pengaduan (saran/ucapan terima kasih); diteruskan ke pimpinan sebagai masukan",
)


def return_reason(own_short_name: str, right_short_name: str | None) -> str:
    if right_short_name is None:
        return f"Bukan wewenang {own_short_name}; mohon dicek ulang instansi yang tepat."
    return (
        f"Bukan wewenang {own_short_name}. Laporan ini kewenangan {right_short_name},"
        " mohon didisposisikan ulang."
    )


def insist_reason(short_name: str) -> str:
    return f"Setelah dicek, lokasi dan permasalahan tetap kewenangan {short_name}; mohon ditindaklanjuti."


def dispose_reason(short_name: str) -> str:
    return f"Didisposisikan ke {short_name} sesuai kewenangan."


def referral_response(short_name: str) -> str:
    return (
        f"Terima kasih atas laporannya. Permasalahan ini di luar kewenangan Pemerintah Kota Malang dan sudah"
        " kami"
        f" teruskan ke {short_name}. Perkembangan akan kami sampaikan melalui kanal ini."
    )


def referral_note(short_name: str, rng: random.Random) -> str:
    number, part = rng.randint(100, 999), rng.choice(("I", "II"))
    return f"Surat rujukan ke {short_name} nomor 555/{number}/35.73.406/{part}."


REFERRAL_HOLD: Final = "Menunggu tindak lanjut instansi rujukan"
REFERRAL_CLOSE: Final = "Instansi rujukan sudah menindaklanjuti; laporan ditutup."
REASSIGN_TO_FIELD: Final = "Mohon dicek ke lokasi."
REASSIGN_TO_AREA: Final = "Dialihkan ke UPT wilayah setempat."
