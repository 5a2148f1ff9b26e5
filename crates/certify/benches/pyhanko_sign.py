#!/usr/bin/env python3
"""Baseline for the sign step: pyHanko signing the same unsigned PDF, measured in the same run as
our bench (crates/certify/benches/issue.rs calls this).

Two figures: pyHanko's stock `sign_pdf` (signer loaded once, default settings) and a tuned one
(signature size reserved up front, no size estimation pass). Prints one JSON line.

usage: pyhanko_sign.py UNSIGNED.pdf KEY.pem CERT.pem RUNS
"""
import io
import json
import statistics
import sys
import time

from pyhanko.sign import signers
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter


def percentile(xs, p):
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1)))))
    return xs[k]


def main():
    pdf_path, key, cert, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    data = open(pdf_path, "rb").read()
    signer = signers.SimpleSigner.load(key, cert)
    out = {}
    for label, reserve in (("stock", None), ("reserved", 8192)):
        times = []
        for i in range(runs):
            meta = signers.PdfSignatureMetadata(field_name=f"Sig{i}")
            t0 = time.perf_counter()
            w = IncrementalPdfFileWriter(io.BytesIO(data))
            pdf_signer = signers.PdfSigner(meta, signer=signer)
            kwargs = {}
            if reserve:
                kwargs["bytes_reserved"] = reserve
            pdf_signer.sign_pdf(w, **kwargs)
            times.append((time.perf_counter() - t0) * 1000.0)
        out[label] = {
            "runs": runs,
            "p50_ms": round(statistics.median(times), 3),
            "p99_ms": round(percentile(times, 99), 3),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
