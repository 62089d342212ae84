"""School-management system exports (Viettel SMAS, VNPT vnEdu) from the drop folder.

contracts/sis_exports.md: files are never changed after delivery; a correction is a new
file with a later stamp in its name::

    smas/{ma_truong}_{nam_hoc}_HK{1|2}_{yyyyMMddHHmm}.csv     ; separated, UTF-8+BOM or cp1258
    vnedu/{ma_truong}_{nam_hoc}_HK{1|2}_{yyyyMMddHHmm}.xlsx   sheet DanhSach, header on row 1
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from eduwh.extract.tabular import Columns, Table, read_csv, read_xlsx

SOURCE = "sis"
VENDORS = ("smas", "vnedu")
EXTENSIONS = {"smas": ".csv", "vnedu": ".xlsx"}
NAME = re.compile(
    r"^(?P<ma_truong>[0-9A-Za-z]+)_(?P<nam_hoc>\d{4}-\d{4})_HK(?P<hk>[12])_"
    r"(?P<stamp>\d{12})\.(?P<ext>csv|xlsx)$",
    re.IGNORECASE,
)

COLUMNS = {
    "smas": Columns(
        required=("MaHocSinh", "HoTen"),
        optional=("NgaySinh", "Lop", "DiemTBHK", "HocLuc", "HanhKiem", "SoNgayNghi", "SLLDT"),
    ),
    "vnedu": Columns(
        required=("MaHocSinh", "HoTen"),
        optional=(
            "MaVnedu",
            "NgaySinh",
            "Lop",
            "KetQuaHocTap",
            "RenLuyen",
            "SoBuoiNghi",
            "SoLienLacDienTu",
        ),
    ),
}


@dataclass(frozen=True)
class Delivery:
    vendor: str
    path: Path
    ma_truong: str
    nam_hoc: str
    hoc_ky: int
    delivered_at: datetime  # naive, local time of Vietnam

    @property
    def file(self) -> str:
        return f"{self.vendor}/{self.path.name}"


def parse_name(vendor: str, path: Path) -> Delivery | None:
    """The delivery a file name describes; None when the name is not the vendor's."""
    match = NAME.match(path.name)
    if not match or "." + match["ext"].lower() != EXTENSIONS[vendor]:
        return None
    try:
        stamp = datetime.strptime(match["stamp"], "%Y%m%d%H%M")
    except ValueError:
        return None
    return Delivery(vendor, path, match["ma_truong"], match["nam_hoc"], int(match["hk"]), stamp)


def scan(drop_dir: Path) -> tuple[list[Delivery], list[Path]]:
    """(deliveries ordered by stamp then name, files whose name is not a delivery's)."""
    deliveries, strangers = [], []
    for vendor in VENDORS:
        folder = Path(drop_dir) / vendor
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            delivery = parse_name(vendor, path)
            if delivery is None:
                strangers.append(path)
            else:
                deliveries.append(delivery)
    deliveries.sort(key=lambda d: (d.delivered_at, d.file))
    return deliveries, strangers


def read(delivery: Delivery, data: bytes) -> Table:
    if delivery.vendor == "smas":
        return read_csv(data, COLUMNS["smas"], delimiter=";", source=delivery.file)
    return read_xlsx(
        data, COLUMNS["vnedu"], sheet="DanhSach", header_on_first_row=True, source=delivery.file
    )
