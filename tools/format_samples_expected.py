#!/usr/bin/env python3
"""Writes tests/formats/expected.tsv: for each file of tests/formats/{dicom,fits,tiff,libtiff},
whether a gray reader should accept it and, if so, its pages, size, bits, signedness and the
SHA-256 of its pixels — computed independently of bpcodec: DICOM with pydicom (from the Debian
package python3-pydicom, on PYTHONPATH), FITS with a few lines of numpy below, TIFF with
ImageMagick (`convert FILE[n] pgm:-`). Pixel values are as bpcodec codes them: stored integers,
signed ones shifted by 2^(bits-1), all pages concatenated, each value little-endian uint16.

Usage: PYTHONPATH=<extracted python3-pydicom>/usr/lib/python3/dist-packages \
  python3 tools/format_samples_expected.py
"""
import hashlib
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "formats")


def digest(arrays):
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a, dtype="<u2").tobytes())
    return h.hexdigest()


def dicom(path):
    import pydicom

    ds = pydicom.dcmread(path)
    ts = str(ds.file_meta.TransferSyntaxUID)
    if ts not in ("1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2"):
        return "refuse", f"compressed transfer syntax {ts}"
    if "PixelData" not in ds:
        return "refuse", "no pixel data"
    if ds.SamplesPerPixel != 1 or ds.BitsAllocated not in (8, 16):
        return "refuse", f"{ds.SamplesPerPixel} samples, {ds.BitsAllocated} bits allocated"
    bits, signed = ds.BitsStored, ds.PixelRepresentation == 1
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    raw = np.frombuffer(ds.PixelData, dtype=(">" if ts.endswith(".2.2") else "<")
                        + ("u1" if ds.BitsAllocated == 8 else "u2"))
    n = ds.Rows * ds.Columns * frames
    if raw.size < n:
        return "refuse", "truncated pixel data"
    v = raw[:n].astype(np.int64) & ((1 << bits) - 1)
    if signed:
        v ^= 1 << (bits - 1)
    return "accept", (frames, ds.Columns, ds.Rows, bits, int(signed), digest([v]))


def cards(data, at):
    header = {}
    while True:
        if at + 80 > len(data):
            raise ValueError("truncated header")
        card = data[at:at + 80].decode("ascii", "replace")
        at += 80
        key = card[:8].strip()
        if key == "END":
            return header, (at + 2879) // 2880 * 2880
        if card[8:10] == "= " and key not in header:
            value = card[10:].strip()
            header[key] = value.split("'")[1].strip() if value.startswith("'") else value.split("/")[0].strip()


def fits(path):
    data = open(path, "rb").read()
    at, pages, refused = 0, [], []
    size = None
    while at < len(data):
        if at > 0 and not data[at:at + 9] == b"XTENSION=":
            break
        header, start = cards(data, at)
        if at == 0 and header.get("SIMPLE") != "T":
            return "refuse", "SIMPLE = F"
        bitpix, naxis = int(header["BITPIX"]), int(header["NAXIS"])
        axes = [int(header[f"NAXIS{i}"]) for i in range(1, naxis + 1)]
        groups = header.get("GROUPS") == "T" and axes and axes[0] == 0
        count = int(np.prod((axes[1:] if groups else axes))) if naxis else 0
        nbytes = abs(bitpix) // 8 * int(header.get("GCOUNT", 1)) * (int(header.get("PCOUNT", 0)) + count)
        image = (at == 0 and not groups) or header.get("XTENSION") == "IMAGE"
        if header.get("ZIMAGE") == "T":
            refused.append("tile-compressed")
        if image and naxis >= 2 and count > 0:
            if bitpix not in (8, 16):
                refused.append(f"BITPIX {bitpix}")
            else:
                w, h = axes[0], axes[1]
                dtype = ">u1" if bitpix == 8 else ">i2"
                values = np.frombuffer(data, dtype=dtype, count=count, offset=start).astype(np.int64)
                if bitpix == 16:
                    values += 32768
                for p in range(count // (w * h)):
                    pages.append(values[p * w * h:(p + 1) * w * h])
                size = (w, h, bitpix)
        at = start + (nbytes + 2879) // 2880 * 2880
    if not pages:
        return "refuse", ", ".join(refused) or "no image"
    w, h, bitpix = size
    return "accept", (len(pages), w, h, bitpix, int(bitpix == 16), digest(pages))


def tiff(path):
    info = subprocess.run(["identify", "-format", "%w %h %[depth] %[colorspace] %[channels]\n", path],
                          capture_output=True, text=True)
    lines = [line.split() for line in info.stdout.strip().split("\n") if line]
    if info.returncode != 0 or not lines:
        return "refuse", "unreadable"
    if any(line[3] != "Gray" for line in lines):
        return "refuse", "colour"
    pages = []
    for i in range(len(lines)):
        pgm = subprocess.run(["convert", f"{path}[{i}]", "-strip", "-depth", lines[i][2], "pgm:-"],
                             capture_output=True, check=True).stdout
        parts = pgm.split(maxsplit=4)
        w, h, maxval = int(parts[1]), int(parts[2]), int(parts[3])
        pixels = parts[4]
        pages.append(np.frombuffer(pixels, dtype=">u2" if maxval > 255 else "u1", count=w * h))
    w, h, depth = lines[0][0], lines[0][1], lines[0][2]
    return "accept", (len(pages), int(w), int(h), int(depth), 0, digest(pages))


def main():
    rows = ["file\tverdict\tpages\twidth\theight\tbits\tsigned\tpixels_sha256_or_reason"]
    for folder, read in (("dicom", dicom), ("fits", fits), ("libtiff", tiff), ("tiff", tiff)):
        for name in sorted(os.listdir(os.path.join(ROOT, folder))):
            path = os.path.join(ROOT, folder, name)
            try:
                verdict, what = read(path)
            except Exception as e:  # a file the reference cannot read at all
                verdict, what = "refuse", f"unreadable ({type(e).__name__})"
            if verdict == "accept":
                rows.append("\t".join([f"{folder}/{name}", verdict, *map(str, what)]))
            else:
                rows.append("\t".join([f"{folder}/{name}", verdict, "-", "-", "-", "-", "-", what]))
    open(os.path.join(ROOT, "expected.tsv"), "w").write("\n".join(rows) + "\n")
    print("\n".join(rows))


if __name__ == "__main__":
    sys.exit(main())
