#!/usr/bin/env python3
"""Builds folders of real images in their domains' file formats for bench/archive_files.ts: the
corpus's medical images as DICOM (pydicom: 8-bit, 12 and 16 bits stored, CT signed in Hounsfield
units), astronomy as FITS (BITPIX 16 with BZERO 32768, BITPIX 8) and microscopy, document and
photo images as TIFF (ImageMagick: uncompressed, LZW, Deflate). Every train and test image of
those domains of ../shared/corpus and ../shared/corpus16, once each.

Usage: PYTHONPATH=<extracted python3-pydicom>/usr/lib/python3/dist-packages \
  python3 tools/make_format_bench.py OUT-FOLDER
"""
import datetime
import os
import subprocess
import sys

import numpy as np

SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared")


def read_pgm(path):
    data = open(path, "rb").read()
    fields, at = [], 2
    while len(fields) < 3:
        while data[at:at + 1].isspace():
            at += 1
        if data[at:at + 1] == b"#":
            at = data.index(b"\n", at)
            continue
        end = at
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(int(data[at:end]))
        at = end
    w, h, maxval = fields
    at += 1
    dtype = ">u2" if maxval > 255 else "u1"
    return np.frombuffer(data, dtype=dtype, count=w * h, offset=at).reshape(h, w), maxval


def images(domain):
    for corpus in ("corpus", "corpus16"):
        for split in ("train", "test"):
            folder = os.path.join(SHARED, corpus, domain, split)
            if not os.path.isdir(folder):
                continue
            for name in sorted(os.listdir(folder)):
                if name.endswith(".pgm"):
                    yield f"{corpus}_{split}_{name[:-4]}", os.path.join(folder, name)


def dicom(out):
    import pydicom
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    os.makedirs(out, exist_ok=True)
    for i, (name, path) in enumerate(images("medical")):
        pixels, maxval = read_pgm(path)
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"  # secondary capture
        meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=[name])
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID = meta.MediaStorageSOPClassUID
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.StudyInstanceUID = generate_uid(entropy_srcs=["study", name])
        ds.SeriesInstanceUID = generate_uid(entropy_srcs=["series", name])
        ds.PatientName, ds.PatientID = "Anonymous^Bench", f"BENCH{i:04d}"
        ds.StudyDate = ds.SeriesDate = "20240102"
        ds.StudyTime = "101500"
        ds.Modality = "CT" if "ct" in name else "MR"
        ds.Manufacturer, ds.InstitutionName = "bpcodec bench", "corpus"
        ds.ImageComments = f"from {name}"
        ds.Rows, ds.Columns = pixels.shape
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        bits = int(maxval).bit_length()
        if maxval <= 255:
            ds.BitsAllocated = ds.BitsStored = 8
            ds.PixelRepresentation = 0
            data = pixels.astype("u1")
        elif "ct" in name:  # CT in Hounsfield units, signed
            ds.BitsAllocated = ds.BitsStored = 16
            ds.PixelRepresentation = 1
            ds.RescaleIntercept, ds.RescaleSlope = 0, 1
            data = (pixels.astype(np.int32) - 1024).astype("<i2")
        else:
            ds.BitsAllocated, ds.BitsStored = 16, max(bits, 12)
            ds.PixelRepresentation = 0
            data = pixels.astype("<u2")
        ds.HighBit = ds.BitsStored - 1
        ds.PixelData = data.tobytes()
        ds.is_little_endian, ds.is_implicit_VR = True, False
        ds.save_as(os.path.join(out, f"{name}.dcm"), write_like_original=False)


def card(key, value, comment=""):
    if isinstance(value, str):
        text = f"{key:<8}= '{value:<8}'"
    elif isinstance(value, bool):
        text = f"{key:<8}= {'T' if value else 'F':>20}"
    else:
        text = f"{key:<8}= {value:>20}"
    return (text + (f" / {comment}" if comment else "")).ljust(80)[:80]


def fits(out):
    os.makedirs(out, exist_ok=True)
    for name, path in images("astronomy"):
        pixels, maxval = read_pgm(path)
        h, w = pixels.shape
        wide = maxval > 255
        cards = [card("SIMPLE", True, "conforms to FITS standard"),
                 card("BITPIX", 16 if wide else 8, "array data type"),
                 card("NAXIS", 2, "number of array dimensions"),
                 card("NAXIS1", w), card("NAXIS2", h)]
        if wide:
            cards += [card("BZERO", 32768, "offset data range to that of unsigned short"),
                      card("BSCALE", 1, "default scaling factor")]
        cards += [card("OBJECT", name[:60]), card("ORIGIN", "bpcodec bench"),
                  card("DATE", datetime.date(2024, 1, 2).isoformat()),
                  card("CTYPE1", "RA---TAN"), card("CTYPE2", "DEC--TAN"),
                  card("CRPIX1", w / 2), card("CRPIX2", h / 2),
                  card("CDELT1", -0.000277), card("CDELT2", 0.000277),
                  ("HISTORY   written from " + os.path.basename(path)).ljust(80), "END".ljust(80)]
        header = "".join(cards).encode("ascii")
        header += b" " * (-len(header) % 2880)
        rows = pixels[::-1]  # FITS stores the bottom row first
        data = ((rows.astype(np.int32) - 32768).astype(">i2") if wide else rows.astype("u1")).tobytes()
        data += b"\0" * (-len(data) % 2880)
        open(os.path.join(out, f"{name}.fits"), "wb").write(header + data)


def tiff(out):
    os.makedirs(out, exist_ok=True)
    compressions = ["none", "lzw", "zip"]
    k = 0
    for domain in ("microscopy", "document", "photo"):
        for name, path in images(domain):
            compression = compressions[k % 3]
            k += 1
            subprocess.run(["convert", path, "-compress", compression,
                            os.path.join(out, f"{domain}_{name}.tif")], check=True)


def main():
    out = sys.argv[1]
    dicom(os.path.join(out, "dicom"))
    fits(os.path.join(out, "fits"))
    tiff(os.path.join(out, "tiff"))


if __name__ == "__main__":
    main()
