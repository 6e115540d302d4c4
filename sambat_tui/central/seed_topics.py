"""What Malang's citizens complain about, as templates the seeder fills in: one ``Topic`` per kind of report.

A topic knows the category a person at the desk would file it under and the agencies that may rightly handle
it; the seeder routes the filled-in text with the real router and compares. A topic routed elsewhere is
returned by the desk as *bukan wewenang* and re-disposed by the coordinator, as happens in real life. Texts
are written the way people write on SMS and WhatsApp: abbreviations, Javanese, stretched letters.

Slots: {jl} a street of the kecamatan, {jl_} the same typed lower-case, {gang}, {rt}, {rw}, {kel} the
kelurahan, {dekat} a landmark of the kecamatan, {n} a small number, {lama} how long, {sdn}, {smpn}, {pkm} a
puskesmas, {uang} an amount of money.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sambat_tui.domain.model import Classification, Priority


@dataclass(frozen=True, slots=True)
class Text:
    """One way of telling it: a description and the titles that go with it."""

    body: str
    titles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Topic:
    key: str
    category: str | None
    """The category the desk would file it under; None when no category fits."""
    handlers: tuple[str, ...]
    """Agencies that may rightly handle it; the first is where the coordinator sends it. Empty: nobody in
    the system (the coordinator archives it with a reason)."""
    weight: float
    texts: tuple[Text, ...]
    priority: Priority = Priority.NORMAL
    classification: Classification = Classification.PENGADUAN
    field_work: bool = False
    """Whether a field officer usually goes out to look (the supervisor hands it to them)."""


def _t(body: str, *titles: str) -> Text:
    return Text(body, titles)


TOPICS: Final[tuple[Topic, ...]] = (
    # --- infrastruktur (DPUPRPKP) ---
    Topic(
        "jalan_berlubang",
        "JALAN_RUSAK",
        ("dpuprpkp",),
        9.0,
        (
            _t(
                "Jalan di {jl} depan {dekat} berlubang besar, sudah {lama} tidak diperbaiki. Kemarin ada"
                " pengendara motor jatuh malam hari.",
                "Jalan berlubang di {jl}",
                "Jalan rusak parah",
                "Lubang besar di tengah jalan",
            ),
            _t(
                "lubangnya dalam bgt di {jl_}, kalau hujan ketutup air jadi ga kelihatan. sdh ada yg jatuh",
                "jalan berlubang {jl_}",
                "jalan rusakkk parahhh",
                "jln rusak dkt {dekat}",
            ),
            _t(
                "Aspal di {jl} ngelupas sepanjang kurang lebih {n}0 meter, kerikilnya bikin motor selip.",
                "Aspal mengelupas",
                "aspal ngelupas {jl_}",
            ),
            _t(
                "dalane nang {gang} RT {rt} bolong kabeh, lek udan dadi kolam. tulung didandani",
                "Dalane bolong",
                "Jeglongan gede",
            ),
            _t(
                "Jalan masuk kampung RW {rw} Kel. {kel} rusak, banyak batu lepas. Warga sudah swadaya nambal"
                " tapi rusak lagi.",
                "jalan kampung rusak",
                "Jalan kampung RW {rw} rusak",
            ),
            _t(
                "Ada lubang sebesar ban truk di {jl} dekat {dekat}, malam tidak kelihatan. Mohon segera"
                " ditambal.",
                "Lubang di tengah jalan",
                "Lubang besar di {jl}",
            ),
            _t(
                "perbaikan jalan di {jl} cuma tambal sulam, seminggu udah bolong lagi",
                "tambal sulam asal asalan",
            ),
        ),
        field_work=True,
    ),
    Topic(
        "jalan_ambles",
        "JALAN_RUSAK",
        ("dpuprpkp",),
        2.0,
        (
            _t(
                "Jalan di {jl} amblas sedalam {n}0 cm setelah hujan deras, mobil sering nyangkut.",
                "Jalan ambles setelah hujan",
                "jalan amblas",
            ),
            _t(
                "paving di {gang} RT {rt}/RW {rw} ambles, air hujan ngumpul di cekungannya",
                "Paving gang ambles",
            ),
            _t(
                "jalan di {jl_} retak2 dan bergelombang, bahaya buat pengendara apalagi malam",
                "Jalan bergelombang dan retak",
            ),
            _t(
                "bekas galian kabel di {jl} dibiarkan bergelombang, sudah {n} kali lapor belum ada"
                " perbaikan.",
                "Galian kabel tidak ditutup rapi",
            ),
        ),
        Priority.HIGH,
        field_work=True,
    ),
    Topic(
        "saluran_mampet",
        "DRAINASE",
        ("dpuprpkp",),
        6.0,
        (
            _t(
                "Saluran air di depan rumah warga RT {rt}/RW {rw} tersumbat sampah plastik, kalau hujan air"
                " meluap ke jalan.",
                "Saluran mampet",
                "saluran tersumbat sampah",
            ),
            _t("got e mampet, banyune mbludak nang dalan lek udan. {gang} Kel. {kel}", "got mampet"),
            _t(
                "tiap hujan deres {jl_} dekat {dekat} banjir sampai selutut, drainasenya kecil",
                "Banjir tiap hujan",
                "banjirrr lagiii",
            ),
            _t("genangan air gk surut2 di perempatan {jl_}, udh {n} hari. bau", "genangan air"),
            _t(
                "Gorong-gorong di {jl} ambrol dan tersumbat lumpur, takut jalannya ikut ambles.",
                "Gorong2 ambrol",
            ),
            _t(
                "Mohon dilakukan pengerukan saluran di belakang perumahan Kel. {kel}, endapan lumpur tinggi,"
                " kalau hujan meluap ke rumah warga.",
                "Pengerukan saluran",
                "Selokan meluap",
            ),
        ),
        Priority.HIGH,
        field_work=True,
    ),
    Topic(
        "tutup_selokan",
        "DRAINASE",
        ("dpuprpkp",),
        1.0,
        (
            _t(
                "Penutup selokan dari besi di pinggir {jl} hilang, lubangnya bahaya buat pejalan kaki.",
                "tutup selokan hilang",
            ),
            _t("tutup got depan {dekat} pecah, sudah ada anak yg kakinya kejeblos", "Tutup got pecah"),
        ),
        field_work=True,
    ),
    Topic(
        "pju_mati",
        "PJU",
        ("dpuprpkp",),
        6.0,
        (
            _t(
                "Lampu PJU di {jl} mati {n} titik sudah {lama}, jalan jadi gelap dan rawan.",
                "Lampu PJU mati",
                "PJU mati {n} titik",
            ),
            _t("lampune mati kabeh nang {gang}, dalane peteng ndedet, wedi lek bengi", "Dalane peteng"),
            _t("lampu jln dpn {dekat} mati udh seminggu. mhn segera diperbaiki", "lampu jln mati"),
            _t("pju di {jl_} mati total sepanjang kurang lebih 1 km, malam gelap gulita", "PJU mati total"),
            _t(
                "lampu penerangan jalan di {gang} RT {rt} kedip kedip, kadang mati total",
                "Lampu jalan kedip2",
            ),
            _t(
                "lampu jalan di {jl} nyala terus siang hari, pemborosan listrik",
                "lampu jalan nyala siang hari",
            ),
            _t(
                "jalan tembus ke {dekat} gelappp bgt, lampunya mati semua, rawan begal",
                "gelapppp bgtt",
            ),
        ),
        field_work=True,
    ),
    Topic(
        "pju_baru",
        "PJU",
        ("dpuprpkp",),
        1.5,
        (
            _t(
                "{gang} RT {rt}/RW {rw} Kel. {kel} belum ada lampu penerangan sama sekali, mohon dipasang"
                " lampu jalan.",
                "minta pemasangan lampu jalan",
                "Usul lampu penerangan jalan",
            ),
            _t("lampune redup banget nang {gang}, meh ora katon, mohon diganti", "Lampu gang redup"),
        ),
        Priority.LOW,
        Classification.ASPIRASI,
    ),
    Topic(
        "trotoar_jembatan",
        "JEMBATAN_TROTOAR",
        ("dpuprpkp",),
        2.5,
        (
            _t("Trotoar di {jl} banyak yang lepas ubinnya, pejalan kaki sampai kesandung.", "trotoar rusak"),
            _t("jembatan kecil di Kel. {kel} retak, pagar jembatannya juga patah", "Jembatan retak"),
            _t("trotoar {jl_} bolong, kaki anak saya masuk lubang", "trotoar bolong"),
            _t(
                "Besi railing jembatan dekat {dekat} hilang, sekarang bahaya buat anak-anak.",
                "Railing jembatan hilang",
            ),
            _t("trotoar dekat halte {jl_} amblas, ubin pecah2", "trotoar amblas"),
        ),
        field_work=True,
    ),
    # --- pendidikan (Disdikbud) ---
    Topic(
        "pungli_sekolah",
        "PUNGLI_SEKOLAH",
        ("disdik",),
        2.0,
        (
            _t("anak saya di {sdn} disuruh bayar uang perpisahan {uang}, katanya wajib", "pungli di SDN"),
            _t(
                "{smpn} mewajibkan siswa membeli LKS dan seragam batik dari koperasi sekolah, harganya"
                " mahal.",
                "Wajib beli LKS",
            ),
            _t(
                "komite sekolah {sdn} menarik sumbangan pembangunan mushola {uang} per wali murid",
                "sumbangan komite",
            ),
            _t(
                "sekolah SD anak saya maksa ikut study tour, biayanya {uang}, yg ga ikut tetap disuruh bayar",
                "uang study tour",
            ),
            _t("pungli sekolah, kon mbayar duwit gedung {uang} nang {smpn}", "pungli sekolah"),
        ),
    ),
    Topic(
        "ppdb",
        "PPDB",
        ("disdik",),
        1.2,
        (
            _t(
                "rumah sy cuma 400 m dr {smpn} tp gk ketrima jalur zonasi, yg jauh malah ketrima",
                "zonasi tdk adil",
            ),
            _t(
                "Website pendaftaran SPMB SD error terus sejak pagi, tidak bisa upload berkas.",
                "SPMB SD error",
            ),
            _t(
                "kuota jalur afirmasi SMP negeri terlalu sedikit, anak kami dari keluarga tidak mampu tidak"
                " kebagian",
                "kuota afirmasi",
            ),
            _t(
                "anakku ra entuk smp negeri blas, padahal nilaine apik. ppdb e piye iki",
                "anak gak dapet sekolah negeri",
            ),
        ),
        Priority.HIGH,
    ),
    Topic(
        "sarpras_sekolah",
        "SARPRAS_SEKOLAH",
        ("disdik",),
        1.0,
        (
            _t("Atap ruang kelas {n} {sdn} ambrol, murid belajar di musholla.", "atap kelas ambrol"),
            _t("wc di {sdn} rusak semua, anak2 numpang ke rumah warga", "toilet sekolah rusak"),
            _t("plafon kelas {smpn} jebol kena hujan, hampir menimpa siswa", "Plafon kelas jebol"),
            _t("di {sdn} bangku dan meja kurang, ada murid yang duduk di lantai", "bangku sekolah kurang"),
        ),
        Priority.HIGH,
        field_work=True,
    ),
    # --- transportasi (Dishub) ---
    Topic(
        "parkir_liar",
        "PARKIR",
        ("dishub",),
        4.0,
        (
            _t("jukir liar di depan minimarket {jl_} narik 5rb, gk ada karcis", "jukir liar"),
            _t("parkir ndek {dekat} nuthuk, motor ditarik 5000", "Parkir nuthuk"),
            _t(
                "Tarif parkir di {dekat} waktu ada acara 20 ribu untuk mobil, itu resmi?",
                "Tarif parkir mahal",
            ),
            _t(
                "tukang parkirnya maksa bayar padahal cuma berhenti sebentar ke ATM di {jl_}",
                "tukang parkir maksa",
            ),
            _t(
                "tiap parkir di {dekat} gak pernah dikasih karcis, uangnya kemana",
                "karcis parkir tidak dikasih",
            ),
            _t("mobil parkir sembarangan di bahu {jl} bikin macet tiap sore", "parkir liar bikin macet"),
        ),
        Priority.LOW,
    ),
    Topic(
        "apill_rambu",
        "APILL_RAMBU",
        ("dishub",),
        3.0,
        (
            _t(
                "Lampu lalu lintas di perempatan {jl} mati sejak pagi, lalu lintas semrawut.",
                "lampu lalu lintas mati",
            ),
            _t("bangjo perempatan {jl_} mati, wis rame meh tabrakan", "Bangjo mati"),
            _t("marka dan zebra cross depan {sdn} sudah pudar, anak2 susah menyebrang", "marka jalan pudar"),
            _t(
                "jalan kampung RW {rw} dipakai kebut kebutan, mohon dipasang polisi tidur",
                "minta dipasang polisi tidur",
            ),
            _t("traffic light di simpang {jl_} cuma nyala kuning kedip2", "traffic light rusak"),
            _t(
                "rambu dilarang parkir di {jl} hilang, sekarang banyak yg parkir",
                "rambu dilarang parkir hilang",
            ),
        ),
        Priority.HIGH,
    ),
    Topic(
        "angkutan_umum",
        "ANGKUTAN_UMUM",
        ("dishub",),
        1.5,
        (
            _t("mikrolet AL ngetem di depan {dekat} bikin macet", "Angkot ngetem sembarangan"),
            _t("sopir lyn ADL ugal2an & nurunin penumpang sembarangan di {jl_}", "sopir lyn ugal ugalan"),
            _t("halte bus di {jl} atapnya rusak, kalau hujan penumpang kehujanan", "halte rusak"),
            _t(
                "tarif angkot jurusan arjosari landungsari tiba2 jadi 10rb, gk ada pengumuman",
                "tarif angkot naik seenaknya",
            ),
        ),
        Priority.LOW,
    ),
    # --- kebersihan dan lingkungan (DLH) ---
    Topic(
        "sampah_tps",
        "SAMPAH",
        ("dlh",),
        7.0,
        (
            _t(
                "Sampah di TPS dekat {dekat} tidak diangkut {n} hari, baunya sampai ke rumah warga.",
                "sampah gak diangkut",
                "TPS penuh",
            ),
            _t("uwuh nang TPS {kel} numpuk, mambu pol", "Uwuhe numpuk"),
            _t("sampahhh numpukkk di {gang}, gak ada yg ambil", "Sampahhhh"),
            _t(
                "sudah seminggu tukang sampah gak dateng ke perumahan kami di Kel. {kel}",
                "tukang sampah tidak datang",
            ),
            _t("bak sampah beton di {gang} jebol, sampah tumpah ke jalan", "bak sampah jebol"),
            _t("truk sampah lewat {jl_} ngeceh air lindi sepanjang jalan, bau banget", "truk sampah netes"),
        ),
        field_work=True,
    ),
    Topic(
        "buang_sampah_liar",
        "BUANG_SAMPAH_LIAR",
        ("dlh", "satpolpp"),
        2.0,
        (
            _t("warga luar kampung buang sampah ke kali di Kel. {kel} tiap malam", "buang sampah di sungai"),
            _t(
                "lahan kosong samping perumahan dekat {dekat} jadi tps liar, orang buang sampah dari mobil",
                "TPS liar di lahan kosong",
            ),
            _t(
                "ada truk buang puing dan sampah di lahan kosong dekat makam Kel. {kel}",
                "pembuangan puing liar",
            ),
            _t("wong mbuang uwuh sembarangan nang pinggir {jl_}, mambu", "Wong mbuang uwuh"),
        ),
    ),
    Topic(
        "pohon_tumbang",
        "POHON_TAMAN",
        ("dlh",),
        3.0,
        (
            _t(
                "Pohon besar tumbang menutup {jl}, kendaraan tidak bisa lewat.",
                "Pohon tumbang",
                "pohon tumbang menutup jalan",
            ),
            _t(
                "wit trembesi ngarep omah nang {gang} wis doyong, meh ambruk, wedi nibani omah",
                "wit e meh ambruk",
            ),
            _t(
                "dahan pohon beringin di {jl_} patah nyangkut, sewaktu waktu jatuh ke pengendara",
                "dahan pohon patah",
            ),
            _t(
                "angin kencang semalam, pohon tumbang menimpa atap rumah warga RT {rt}/RW {rw}",
                "pohon tumbang menimpa rumah",
            ),
        ),
        Priority.URGENT,
        field_work=True,
    ),
    Topic(
        "taman_perantingan",
        "POHON_TAMAN",
        ("dlh",),
        1.5,
        (
            _t("mohon perantingan pohon angsana di {jl_}, dahannya sudah lapuk", "perantingan pohon"),
            _t("taman di {kel} banyak bunga dicabut dan bangkunya dicoret-coret", "taman kota rusak"),
            _t("rumput di taman Kel. {kel} tinggi sekali, jadi sarang ular", "rumput taman tinggi"),
        ),
        Priority.LOW,
    ),
    Topic(
        "pencemaran",
        "PENCEMARAN",
        ("dlh",),
        1.5,
        (
            _t(
                "usaha tahu di Kel. {kel} buang limbah ke kali, airnya hitam dan bau",
                "limbah dibuang ke sungai",
            ),
            _t(
                "tetangga tiap sore bakar sampah, asapnya masuk rumah, anak saya sesak napas",
                "asap pembakaran",
            ),
            _t("peternakan ayam di dekat pemukiman RW {rw} bau busuk bgt, lalat banyak", "bau kandang ayam"),
            _t("debu proyek pembangunan di {jl_} bikin rumah dan jemuran kotor tiap hari", "debu proyek"),
            _t("bauuuu limbah dr pabrik dekat {dekat}, gk kuat", "bauuuu"),
        ),
        field_work=True,
    ),
    # --- kesehatan (Dinkes) ---
    Topic(
        "puskesmas",
        "PUSKESMAS",
        ("dinkes",),
        2.0,
        (
            _t("antre di {pkm} dari jam 7 baru dipanggil jam 11", "Pelayanan puskesmas lambat"),
            _t("perawat di {pkm} judes bgt sama pasien lansia", "Perawat judes"),
            _t("obat hipertensi di {pkm} habis terus, disuruh beli sendiri di apotek", "obat habis"),
            _t("jam 10 dokter {pkm} blm dtg, pasien nunggu", "dokter blm dtg"),
            _t("posyandu di RW {rw} Kel. {kel} sdh 2 bulan tidak ada PMT untuk balita", "posyandu"),
        ),
    ),
    Topic(
        "dbd_fogging",
        "DBD_FOGGING",
        ("dinkes",),
        2.0,
        (
            _t("sudah {n} warga RT {rt} kena DBD bulan ini, mohon fogging", "Minta fogging"),
            _t(
                "anak tetangga dirawat karena demam berdarah, lingkungan RW {rw} banyak nyamuk",
                "demam berdarah",
            ),
            _t("nyamuk akeh pol nang {gang}, wedi demam berdarah. njaluk pengasapan", "nyamuk banyak bgt"),
            _t(
                "rumah kosong sebelah ada kolam penuh jentik nyamuk, pemiliknya entah dimana",
                "jentik di kolam terbengkalai",
            ),
        ),
        Priority.HIGH,
    ),
    # --- ketertiban (Satpol PP) ---
    Topic(
        "pkl_ketertiban",
        "PKL_KETERTIBAN",
        ("satpolpp",),
        3.0,
        (
            _t("PKL jualan di trotoar {jl}, pejalan kaki harus turun ke jalan.", "PKL di trotoar"),
            _t("trek trekan nang {jl_} tiap malem minggu, brong2 berisik", "balap liar tiap malam minggu"),
            _t("pengamen di lampu merah {jl_} maksa minta uang, kadang ngancam", "pengamen maksa"),
            _t("warung jual miras di {gang}, tiap malam ada yang mabuk teriak2", "warung miras"),
            _t(
                "hajatan orgen tunggal di RW {rw} sampai jam 2 pagi, volume kenceng banget",
                "keramaian orgen tunggal",
            ),
            _t("lapak pedagang kaki lima di {dekat} makan badan jalan", "lapak pedagang makan jalan"),
        ),
    ),
    Topic(
        "reklame_bangunan",
        "BANGUNAN_REKLAME",
        ("satpolpp",),
        1.5,
        (
            _t("baliho dipaku di pohon sepanjang {jl}", "Baliho liar"),
            _t(
                "papan reklame besar di perempatan {jl_} miring, takut roboh kena angin",
                "reklame hampir roboh",
            ),
            _t("tetangga bangun ruko 3 lantai tanpa PBG di {jl_}", "bangunan tanpa izin"),
            _t("spanduk iklan pinjol dipasang sembarangan sepanjang {jl_}", "spanduk liar"),
        ),
    ),
    # --- air bersih (Perumda Tugu Tirta) ---
    Topic(
        "air_pdam",
        "AIR_PDAM",
        ("pdam",),
        5.0,
        (
            _t("Air PDAM mati sejak subuh di Kel. {kel}, RT {rt}/RW {rw}.", "air mati", "Air PDAM mati"),
            _t("banyu ora metu wis {n} dina, adus nang masjid", "Banyune mati"),
            _t("air kran keruh kecoklatan dan bau kaporit, {gang} Kel. {kel}", "air keruh"),
            _t(
                "tagihan pdam bulan ini 800rb padahal biasanya 100rb, apa meteran air rusak?",
                "tagihan air membengkak",
            ),
            _t("pipa pdam bocor di pinggir {jl_}, air muncrat dari semalam", "pipa bocor"),
            _t("aliran air kecil bgt tiap pagi, bak mandi gak penuh2", "air kecil"),
        ),
        Priority.HIGH,
        field_work=True,
    ),
    # --- administrasi kependudukan, sosial, tenaga kerja ---
    Topic(
        "adminduk",
        "ADMINDUK",
        ("dispendukcapil",),
        3.0,
        (
            _t("rekam KTP sdh {n} bln blm jadi, katanya blanko habis", "KTP blm jadi"),
            _t("ngurus akte lahir anak kok lama bgt, sudah sebulan", "akta kelahiran lama"),
            _t(
                "nama di kartu keluarga salah ketik, minta dibetulkan tapi disuruh bolak balik",
                "KK salah nama",
            ),
            _t("mau bikin KIA buat anak tapi katanya blangko kosong terus", "KIA anak"),
        ),
    ),
    Topic(
        "adminduk_info",
        "ADMINDUK",
        ("dispendukcapil",),
        0.5,
        (
            _t(
                "mohon info syarat pindah domisili dari luar kota ke Kel. {kel} apa saja?",
                "Tanya syarat pindah domisili",
            ),
        ),
        Priority.LOW,
        Classification.PERMINTAAN_INFORMASI,
    ),
    Topic(
        "bansos",
        "BANSOS",
        ("dinsos",),
        2.0,
        (
            _t(
                "tetangga sy punya mobil dapat PKH, sy janda gk dapet. Kel. {kel}",
                "bansos tidak tepat sasaran",
            ),
            _t("sudah diusulkan lewat kelurahan tapi nama kami tidak masuk DTKS", "tidak terdaftar DTKS"),
            _t(
                "ada mbah2 hidup sendiri di gubuk dekat {dekat}, terlantar, makan seadanya",
                "lansia terlantar",
            ),
            _t("BLT dana kelurahan belum cair padahal tetangga sudah", "BLT belum cair"),
            _t("bagaimana cara daftar DTKS untuk keluarga kami di Kel. {kel}?", "mohon info DTKS"),
        ),
    ),
    Topic(
        "tenaga_kerja",
        "TENAGA_KERJA_IZIN",
        ("disnaker",),
        1.0,
        (
            _t("pabrik tempat saya kerja bayar gaji di bawah UMK", "gaji di bawah UMK"),
            _t(
                "THR karyawan toko di {jl_} belum dibayar padahal sudah H-3 lebaran",
                "THR belum dibayar",
            ),
            _t("saya di PHK sepihak tanpa pesangon setelah kerja {n} tahun", "PHK sepihak"),
            _t("ngurus NIB dan izin usaha sdh sebulan gak kelar", "izin usaha lama"),
        ),
    ),
    # --- the complaint channel itself (Diskominfo) ---
    Topic(
        "aplikasi_wifi",
        None,
        ("diskominfo",),
        0.6,
        (
            _t("aplikasi sambat tidak bisa upload foto, muter terus", "aplikasi sambat error"),
            _t(
                "wifi gratis pemkot di balai RW {rw} Kel. {kel} sudah sebulan tidak bisa konek",
                "wifi publik mati",
            ),
        ),
        Priority.LOW,
    ),
    # --- outside the city's authority (referred) ---
    Topic(
        "pln",
        "LUAR_KEWENANGAN",
        ("pln",),
        2.5,
        (
            _t("mati lampu dari jam 7 pagi di daerah Kel. {kel}, gak ada pemberitahuan", "mati lampu"),
            _t("listrik sering pet tiap hujan, elektronik rusak", "Listrik pet terus"),
            _t("kabel PLN di {gang} menjuntai rendah, bisa kena truk", "kabel PLN menjuntai"),
            _t(
                "tiang listrik depan rumah di {jl_} miring setelah ditabrak truk, kabelnya tegang",
                "tiang listrik miring",
            ),
            _t("token listrik udah diisi tp gk masuk", "token listrik"),
        ),
    ),
    Topic(
        "bpjs",
        "LUAR_KEWENANGAN",
        ("bpjs",),
        1.2,
        (
            _t("denda iuran BPJS mandiri kok besar sekali, mau aktifkan lagi", "iuran bpjs"),
            _t("kartu BPJS saya tiba2 tidak aktif padahal bayar rutin", "Kartu BPJS tidak aktif"),
            _t("mau pindah faskes tingkat 1 ribet, disuruh datang ke kantor BPJS", "pindah faskes"),
            _t("aplikasi mobile JKN tidak bisa login sejak update", "mobile JKN"),
        ),
    ),
    Topic(
        "provinsi",
        "LUAR_KEWENANGAN",
        ("pemprov_jatim",),
        1.0,
        (
            _t("SMAN di Malang minta uang gedung {uang} buat siswa baru", "Pungli di SMAN"),
            _t("SMKN mewajibkan beli seragam 2 juta lebih", "SMK minta uang seragam"),
            _t("PPDB SMA negeri jalur zonasi ga transparan, anak saya tergeser", "PPDB SMA"),
            _t("jalan provinsi arah Batu banyak lubang, tolong diteruskan", "jalan provinsi rusak"),
        ),
    ),
    Topic(
        "jalan_nasional",
        "LUAR_KEWENANGAN",
        ("bbpjn",),
        0.8,
        (
            _t(
                "Jalan nasional di Jl. Ahmad Yani berlubang di beberapa titik, rawan bagi motor.",
                "jalan nasional berlubang",
            ),
            _t("jln nasional arah surabaya bergelombang dan aspal ngelupas", "jln nasional bergelombang"),
        ),
    ),
    Topic(
        "polisi",
        "LUAR_KEWENANGAN",
        ("polresta",),
        1.5,
        (
            _t("motor saya hilang dicuri di parkiran kos di {jl_} semalam", "motor hilang dicuri"),
            _t("ada jambret di depan {dekat}, tas ibu2 ditarik sampai jatuh", "jambret"),
            _t("kecelakaan tabrak lari di {jl}, korban luka parah, pelaku kabur", "tabrak lari"),
            _t(
                "teman saya dibegal di jalan sepi dekat makam Kel. {kel}, hp dan motor diambil",
                "begal di jalan sepi",
            ),
            _t("omahku dimaling pas mudik, tv karo laptop ilang", "omahku dimaling"),
        ),
        Priority.HIGH,
    ),
    # --- ambiguous or vague: the triage queue's daily bread ---
    Topic(
        "jalan_dan_lampu",
        None,
        ("dpuprpkp",),
        0.8,
        (
            _t(
                "jalan {gang} rusak dan lampu jalannya mati, tolong dicek sekalian",
                "jalan rusak dan lampu mati",
            ),
        ),
        field_work=True,
    ),
    Topic(
        "ranting_kabel",
        None,
        ("dlh", "pln"),
        0.6,
        (
            _t(
                "ranting pohon di {jl_} menjulur ke kabel listrik, kalau angin suka percikan api",
                "ranting pohon kena kabel listrik",
            ),
            _t("pohon tumbang menimpa kabel PLN, listrik se-RW {rw} mati", "pohon tumbang timpa kabel PLN"),
        ),
        Priority.HIGH,
    ),
    Topic(
        "bangunan_di_saluran",
        None,
        ("satpolpp", "dpuprpkp"),
        0.5,
        (
            _t(
                "ada warung permanen dibangun di atas saluran air di {jl_}, air jadi mampet",
                "warung di atas saluran",
            ),
        ),
    ),
    Topic(
        "pengemis",
        None,
        ("satpolpp", "dinsos"),
        0.4,
        (_t("banyak pengemis bawa anak kecil di perempatan {jl_}", "pengemis di perempatan"),),
    ),
    Topic(
        "ojol_mangkal",
        None,
        ("dishub", "satpolpp"),
        0.3,
        (_t("ojol mangkal di pinggir jalan depan {dekat} sampai 2 lapis", "ojol mangkal sembarangan"),),
    ),
    Topic(
        "limbah_medis",
        None,
        ("dlh", "dinkes"),
        0.3,
        (_t("ada jarum suntik dan botol infus dibuang di TPS dekat {dekat}", "limbah medis di TPS"),),
        Priority.HIGH,
    ),
    Topic(
        "lampu_taman",
        None,
        ("dpuprpkp", "dlh"),
        0.4,
        (_t("lampu taman di {dekat} banyak yang mati, malam jadi gelap", "lampu taman mati"),),
    ),
    Topic(
        "bising",
        None,
        ("satpolpp", "dlh"),
        0.4,
        (
            _t("bengkel las di {jl_} buka sampai tengah malam, bising sekali", "bengkel las bising"),
            _t("sound horeg lewat kampung RW {rw} sampai kaca rumah bergetar", "sound horeg"),
        ),
    ),
    Topic(
        "kis_nonaktif",
        None,
        ("dinsos", "bpjs"),
        0.4,
        (_t("KIS PBI ibu saya tiba2 nonaktif, mau berobat jadi bayar", "KIS PBI nonaktif"),),
    ),
    Topic(
        "banjir_sekolah",
        None,
        ("dpuprpkp", "disdik"),
        0.3,
        (_t("tiap hujan halaman {sdn} banjir, saluran sekolah kecil", "banjir masuk sekolah"),),
    ),
    Topic(
        "pasar_semrawut",
        None,
        ("dlh", "dishub"),
        0.4,
        (_t("parkir liar dan sampah numpuk di depan {dekat}", "sampah dan parkir liar di pasar"),),
    ),
    Topic(
        "makam",
        None,
        (),
        0.3,
        (
            _t(
                "makam umum kampung kami di Kel. {kel} tidak terawat, rumput tinggi, pagar rusak",
                "makam tidak terawat",
            ),
        ),
        Priority.LOW,
    ),
    Topic(
        "samar",
        None,
        ("dpuprpkp",),
        1.2,
        (
            _t("sudah rusak lama tidak diperbaiki", "rusak"),
            _t("pak mohon dibantu, sudah lama begini tidak ada tindak lanjut", "tolong dibantu"),
            _t("mohon dicek ke lokasi, fotonya saya lampirkan", "mohon dicek"),
        ),
    ),
    Topic(
        "di_luar_sistem",
        None,
        (),
        1.2,
        (
            _t("harga cabai di pasar naik terus, tolong pemerintah turun tangan", "harga cabai mahal"),
            _t("ada anjing liar di kampung Kel. {kel}, sudah 2 anak digigit", "anjing liar menggigit"),
            _t("PBB rumah saya naik 3 kali lipat tahun ini", "PBB naik tinggi"),
            _t("gas melon langka di pengecer, kalau ada harganya 30 ribu", "gas elpiji langka"),
            _t("terima kasih pak wali, jalan di kampung kami sudah bagus", "terima kasih"),
        ),
        Priority.LOW,
        Classification.ASPIRASI,
    ),
)
