"""Regenerate data/MSFT.csv, the offline price snapshot, from the pmdarima package on PyPI.

    python tools/make_msft_snapshot.py            # downloads the pmdarima wheel with pip (no install)
    python tools/make_msft_snapshot.py WHEEL      # or uses a wheel you already have

pmdarima (MIT licence) ships daily MSFT prices, 1986-03-13 to 2017-11-10, as
pmdarima/datasets/data/msft.tar.gz. This script extracts that CSV, keeps
Date, Open, High, Low, Close and Volume (dropping the all-zero OpenInt), checks
it and writes data/MSFT.csv. See data/README.md for the source and licence.
"""
import io
import pathlib
import subprocess
import sys
import tarfile
import tempfile
import zipfile

import pandas as pd

ROOT = pathlib.Path(__file__).resolve().parent.parent
PMDARIMA_VERSION = "2.1.1"
MEMBER = "pmdarima/datasets/data/msft.tar.gz"


def fetch_wheel(folder):
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q",
         "-d", str(folder), f"pmdarima=={PMDARIMA_VERSION}"],
        check=True,
    )
    return next(pathlib.Path(folder).glob("pmdarima-*.whl"))


def extract_csv(wheel):
    with zipfile.ZipFile(wheel) as archive:
        packed = archive.read(MEMBER)
    with tarfile.open(fileobj=io.BytesIO(packed)) as tar:
        return tar.extractfile("msft.csv").read().decode()


def main(argv):
    with tempfile.TemporaryDirectory() as tmp:
        wheel = pathlib.Path(argv[1]) if len(argv) > 1 else fetch_wheel(tmp)
        frame = pd.read_csv(io.StringIO(extract_csv(wheel)), parse_dates=["Date"])
    assert (frame["OpenInt"] == 0).all()
    frame = frame[["Date", "Open", "High", "Low", "Close", "Volume"]].sort_values("Date")
    assert frame["Date"].is_unique and frame[["Open", "High", "Low", "Close"]].gt(0).all().all()
    out = ROOT / "data" / "MSFT.csv"
    frame.to_csv(out, index=False, date_format="%Y-%m-%d")
    print(f"wrote {out.relative_to(ROOT)}: {len(frame)} days, {frame.Date.iloc[0].date()} to {frame.Date.iloc[-1].date()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
