"""The documents of e-Office, in memory: incoming and outgoing documents a working day,
their planted flaws, the versions of their life and the listing records."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from eduwh_sandbox.dataset import add_working_days, is_working_day
from eduwh_sandbox.eoffice_dataset.catalogue import (
    AGENCIES,
    AXIS_HUBS,
    DEFAULT_AGENCY,
    DEPARTMENTS,
    DEPT_WEIGHTS,
    DOCUMENT_TYPES,
    OWN_SIGNERS,
    SENDER_WEIGHTS,
    SIGNERS,
    SUBJECTS,
    URGENCY,
    Agency,
)
from eduwh_sandbox.eoffice_dataset.packages import NS_GOVN, NS_QCVN, PackageSpec

VN_TZ = timezone(timedelta(hours=7))
FIRST_DAY = date(2018, 10, 1)
LAST_DAY = date(2019, 12, 31)
SWITCH_DAY = date(2019, 7, 22)  # 951/SGDĐT-VP: everything signed and in e-Office from then
PLANT = "MẬT-PLANT-"


@dataclass
class Doc:
    id: int
    loai: str  # den | di
    day: date  # ngay_den (incoming) or ngay_ban_hanh (outgoing)
    type_code: str
    sender: Agency
    recipients: list[Agency]
    promulgation: date
    number: int
    notation: str
    subject: str
    signer: str
    signer_position: str
    signer_competence: str
    do_mat: str = "thuong"
    do_khan: str = "thuong"
    kenh: str = "truc_lien_thong"
    ky_so: bool = True
    co_edxml: bool = True
    due: date | None = None
    done: date | None = None
    department: str = "VP"
    refused: bool = False
    so_den: int | None = None
    package: PackageSpec | None = None
    versions: list[tuple[datetime, str, date | None]] = field(default_factory=list)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _at(rng: random.Random, d: date, lo: int = 7, hi: int = 16) -> datetime:
    return datetime.combine(d, time(rng.randint(lo, hi), rng.randint(0, 59), rng.randint(0, 59)))


class DocumentBuilder:
    def __init__(self, seed: int, agency: tuple[str, str], sizes: str, big: int, scale: int = 1):
        self.rng = random.Random(f"eoffice:{seed}")
        self.scale = scale  # documents a working day: scale times the built-in volume
        self.seed = seed
        code, name = agency
        self.own = Agency(code, name, "department", "SGDĐT", "Giám đốc")
        self.sizes = sizes
        self.big = big
        self.docs: list[Doc] = []
        self.numbers: Counter[tuple[int, str]] = Counter()  # (year, sequence) -> last number
        self.so_den: Counter[int] = Counter()
        self.secret_n = 0

    def _number(self, year: int, sender: str, type_code: str) -> int:
        key = (year, sender + ("CV" if type_code == "CV" else type_code))
        if year == FIRST_DAY.year and key not in self.numbers:  # the register is not new
            yearly = 1800 if type_code == "CV" else 60
            self.numbers[key] = int(yearly * 0.74) if sender == self.own.code else 0
        self.numbers[key] += 1 + (self.rng.randrange(40) if sender != self.own.code else 0)
        return self.numbers[key]

    def _size(self) -> int:
        rng = self.rng
        if self.sizes == "realistic":
            return int(min(2 * 1024 * 1024, max(50 * 1024, rng.lognormvariate(12.4, 0.8))))
        return int(min(32 * 1024, max(1024, rng.lognormvariate(8.1, 0.6))))

    def build(self) -> None:
        rng = self.rng
        d = FIRST_DAY
        while d <= LAST_DAY:
            if is_working_day(d):
                for _ in range(max(0, round(rng.gauss(18, 5))) * self.scale):
                    self.incoming(d)
                for _ in range(max(0, round(rng.gauss(8, 3))) * self.scale):
                    self.outgoing(d)
            d += timedelta(days=1)
        for i, doc in enumerate(sorted(self.docs, key=lambda x: (x.day, x.loai, x.number))):
            doc.id = 190000 + i + 1
        self.plant_flaws()
        for doc in self.docs:
            self.lifecycle(doc)

    def _common(self, doc: Doc) -> None:
        rng = self.rng
        r = rng.random()
        if r < 0.012:
            self.secret_n += 1
            doc.do_mat = rng.choice(("mat", "mat", "mat", "toi_mat", "tuyet_mat"))
            plant = f"{PLANT}{self.secret_n:04d}"
            doc.subject = f"{plant} {doc.subject}"
            doc.notation = f"{plant}/{doc.notation}"
            doc.signer = f"{plant} {doc.signer}"
            doc.co_edxml = rng.random() < 0.5  # listed as if; never exists
        doc.do_khan = _weighted(rng, {k: v[1] for k, v in URGENCY.items()})
        if doc.day < SWITCH_DAY and doc.day.year == 2018 and rng.random() < 0.25:
            doc.kenh, doc.ky_so, doc.co_edxml = "giay", False, False
        elif rng.random() < 0.07:
            doc.kenh = "thu_dien_tu"

    def incoming(self, d: date) -> None:
        rng = self.rng
        level = _weighted(rng, SENDER_WEIGHTS)
        sender = rng.choice([a for a in AGENCIES if a.level == level])
        type_code = _weighted(rng, {k: v[3] for k, v in DOCUMENT_TYPES.items()})
        prom = d - timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 5)))
        number = self._number(prom.year, sender.code, type_code)
        notation = (
            f"{sender.short}-{rng.choice(('VP', 'KHTC', 'GDTrH', 'TCCB', 'HCTC'))}"
            if type_code == "CV"
            else f"{type_code}-{sender.short}"
        )
        sy = "2019-2020" if d >= date(2019, 8, 1) else "2018-2019"
        doc = Doc(
            0,
            "den",
            d,
            type_code,
            sender,
            [self.own],
            prom,
            number,
            notation,
            rng.choice(SUBJECTS).format(sy=sy, y=d.year),
            rng.choice(SIGNERS),
            sender.signer,
            "KT. " + sender.signer.upper() if "Phó" in sender.signer else sender.signer.upper(),
            department=_weighted(rng, DEPT_WEIGHTS),
        )
        self._common(doc)
        if rng.random() < 0.45:  # a deadline set on assignment
            doc.due = add_working_days(d, rng.choice((2, 3, 5, 5, 7, 10, 15)))
            late = rng.random() < 0.05
            doc.done = (
                add_working_days(doc.due, rng.randint(1, 6))
                if late
                else add_working_days(d, rng.randint(0, max(0, (doc.due - d).days // 2)))
            )
            doc.done = min(doc.done, doc.due) if not late else doc.done
        else:
            doc.done = add_working_days(d, rng.randint(1, 12))
        if rng.random() < 0.004:
            doc.refused = True
        self.docs.append(doc)

    def outgoing(self, d: date) -> None:
        rng = self.rng
        type_code = _weighted(rng, {k: v[4] for k, v in DOCUMENT_TYPES.items()})
        dept = _weighted(rng, DEPT_WEIGHTS)
        number = self._number(d.year, self.own.code, type_code)
        notation = f"SGDĐT-{dept}" if type_code == "CV" else f"{type_code}-SGDĐT"
        n_to = rng.choice((1, 1, 2, 3, 5, 14))
        pool = [
            a
            for a in AGENCIES
            if a.level in ("province", "district_office", "unit", "ministry", "department")
        ]
        recipients = sorted(rng.sample(pool, min(n_to, len(pool))), key=lambda a: a.code)
        position, competence = rng.choice(OWN_SIGNERS)
        sy = "2019-2020" if d >= date(2019, 8, 1) else "2018-2019"
        doc = Doc(
            0,
            "di",
            d,
            type_code,
            self.own,
            recipients,
            d,
            number,
            notation,
            rng.choice(SUBJECTS).format(sy=sy, y=d.year),
            rng.choice(SIGNERS),
            position,
            competence,
            department=dept,
        )
        self._common(doc)
        if rng.random() < 0.1:
            doc.due = add_working_days(d, rng.choice((5, 10, 15)))
            doc.done = add_working_days(d, rng.randint(1, 8))
        else:
            doc.done = None
        self.docs.append(doc)

    def plant_flaws(self) -> None:
        """Malformed packages (Dec 2018), a package signed against ky_so=false (Oct 2018),
        one unsigned package with ky_so=true (2019, counted as unsigned)."""
        ok = [
            d
            for d in self.docs
            if d.do_mat == "thuong" and d.co_edxml and not d.refused and d.loai == "den"
        ]
        dec18 = [d for d in ok if date(2018, 12, 3) <= d.day <= date(2018, 12, 20)]
        for doc, flaw in zip(
            dec18[::37],
            ("truncated_xml", "unknown_namespace", "missing_document_id", "bad_base64"),
            strict=False,
        ):
            doc.package = self.spec(doc, flaw=flaw)
        oct18 = [d for d in ok if d.day.month == 10 and d.day.year == 2018 and d.package is None]
        oct18[5].ky_so = False
        oct18[5].package = self.spec(oct18[5], signed=True)
        y19 = [
            d for d in ok if date(2019, 9, 1) <= d.day <= date(2019, 11, 29) and d.package is None
        ]
        unsigned = y19[len(y19) // 2]
        unsigned.package = self.spec(unsigned, signed=False)
        late = [d for d in ok if d.day > date(2019, 12, 10) and d.package is None]
        for doc in late[: self.big]:
            doc.package = self.spec(doc, big=True)

    def spec(
        self, doc: Doc, flaw: str | None = None, signed: bool | None = None, big: bool = False
    ) -> PackageSpec:
        rng = self.rng
        sender = doc.sender
        at = _at(rng, doc.promulgation, 8, 16)
        hops = [(sender.code, at)]
        if sender.level == "ministry" or any(r.level == "ministry" for r in doc.recipients):
            hops.append((AXIS_HUBS[0], at + timedelta(seconds=rng.randint(2, 90))))
        hops.append((AXIS_HUBS[1], hops[-1][1] + timedelta(seconds=rng.randint(2, 120))))
        receiver = self.own if doc.loai == "den" else doc.recipients[0]
        hops.append((receiver.code, hops[-1][1] + timedelta(seconds=rng.randint(5, 600))))
        n_att = rng.choice((1, 1, 1, 1, 2, 2, 3))
        attachments = [
            (f"{doc.number}-{doc.type_code}.pdf" if i == 0 else f"phu-luc-{i}.pdf", self._size())
            for i in range(n_att)
        ]
        if big:
            attachments[0] = (attachments[0][0], rng.randint(20, 60) * 1024 * 1024)
        position = doc.signer_position
        return PackageSpec(
            sender=sender,
            recipients=doc.recipients,
            code_number=str(doc.number),
            code_notation=doc.notation,
            promulgation=doc.promulgation,
            type_code=doc.type_code,
            subject=doc.subject,
            signer_position=position,
            signer_competence=doc.signer_competence,
            signer_name=doc.signer,
            due=doc.due,
            priority=URGENCY[doc.do_khan][0],
            hops=hops,
            attachments=attachments,
            namespace=NS_GOVN if rng.random() < 0.04 else NS_QCVN,
            root="EdXMLEnvelope" if rng.random() < 0.03 else "edXMLEnvelope",
            date_format="%Y/%m/%d" if rng.random() < 0.3 else "%d/%m/%Y",
            wrap=rng.random() < 0.2,
            signed=doc.ky_so if signed is None else signed,
            flaw=flaw,
            content_seed=f"{self.seed}:{doc.id}",
        )

    def lifecycle(self, doc: Doc) -> None:
        rng = self.rng
        if doc.do_mat == "thuong" and doc.co_edxml and doc.package is None:
            doc.package = self.spec(doc)
        if doc.package is not None and doc.kenh == "giay":
            doc.kenh = "truc_lien_thong"
        if doc.loai == "den":
            if doc.day.year == FIRST_DAY.year and not self.so_den[doc.day.year]:
                self.so_den[doc.day.year] = 3350  # the incoming register before October
            self.so_den[doc.day.year] += 1
            doc.so_den = self.so_den[doc.day.year]
            t0 = _at(rng, doc.day, 7, 15)
            if doc.refused:
                doc.versions = [
                    (t0, "01", None),
                    (t0 + timedelta(minutes=rng.randint(5, 90)), "02", None),
                ]
                doc.so_den = None
                return
            t1 = t0 + timedelta(minutes=rng.randint(10, 240))
            doc.versions = [(t0, "03", None), (t1, "04", None)]
            if doc.done is not None:
                mid = doc.day + (doc.done - doc.day) / 2
                t2 = max(_at(rng, mid), t1 + timedelta(minutes=5))
                doc.versions.append((t2, "05", None))
                t3 = max(_at(rng, doc.done, 13, 17), t2 + timedelta(minutes=5))
                doc.versions.append((t3, "06", doc.done))
        else:
            t0 = _at(rng, doc.day, 8, 16)
            t1 = t0 + timedelta(minutes=rng.randint(3, 300))
            doc.versions = [(t0, "01", None), (t1, "03", None)]
            if doc.done is not None:
                t2 = max(_at(rng, doc.done, 13, 17), t1 + timedelta(minutes=5))
                doc.versions.append((t2, "06", doc.done))

    def records(self, doc: Doc) -> list[dict[str, Any]]:
        out = []
        for moment, status, done in doc.versions:
            out.append(
                {
                    "id": doc.id,
                    "loai": doc.loai,
                    "so_ky_hieu": f"{doc.number}/{doc.notation}",
                    "so_den": doc.so_den if doc.loai == "den" else None,
                    "loai_van_ban": doc.type_code,
                    "trich_yeu": doc.subject,
                    "ngay_ban_hanh": doc.promulgation.isoformat(),
                    "ngay_den": doc.day.isoformat()
                    if doc.loai == "den" and not doc.refused
                    else None,
                    "co_quan_ban_hanh": {"ma_dinh_danh": doc.sender.code, "ten": doc.sender.name},
                    "noi_nhan": [{"ma_dinh_danh": r.code, "ten": r.name} for r in doc.recipients]
                    if doc.loai == "di"
                    else [],
                    "nguoi_ky": doc.signer,
                    "do_mat": doc.do_mat,
                    "do_khan": doc.do_khan,
                    "ky_so": doc.ky_so,
                    "kenh": doc.kenh,
                    "han_xu_ly": doc.due.isoformat() if doc.due else None,
                    "ngay_hoan_thanh": done.isoformat() if done else None,
                    "phong_xu_ly": DEPARTMENTS[doc.department],
                    "trang_thai": status,
                    "cap_nhat_luc": moment.replace(tzinfo=VN_TZ).isoformat(),
                    "co_edxml": doc.co_edxml,
                }
            )
        return out


def build_documents(
    seed: int = 2019,
    agency: tuple[str, str] = DEFAULT_AGENCY,
    sizes: str = "compact",
    big: int = 0,
    scale: int = 1,
) -> DocumentBuilder:
    b = DocumentBuilder(seed, agency, sizes, big, scale)
    b.build()
    return b
