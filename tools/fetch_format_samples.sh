#!/usr/bin/env bash
# Rebuilds tests/formats/{dicom,fits,tiff}/, tests/formats/expected.tsv and tests/formats/README.md
# from Debian 12 (bookworm) packages, pinned to the versions below: real DICOM, FITS and TIFF files
# (grayscale ones a reader should accept, others it should refuse), plus a few TIFFs re-encoded
# from a Debian original by libtiff's tiffcp/tiffset, and one multi-frame DICOM joined from seven
# Debian single-frame slices by pydicom. tests/formats/libtiff/ is not touched (see
# tools/make_libtiff_samples.sh).
#
# Needs: apt-get, dpkg-deb, libtiff-tools 4.5.0-6+deb12u4 (tiffcp, tiffset, tiffinfo), dcmtk
# 3.6.7-9~deb12u4 (dcmcrle), libgdcm-tools 3.0.21-1 (gdcmconv), python3 with
# numpy. pydicom, tifffile and Pillow are taken from the downloaded .debs (PYTHONPATH), not
# installed; Pillow's .so needs its libraries (apt-get install libimagequant0 libraqm0 libwebpdemux2
# libwebpmux3 libopenjp2-7 liblcms2-2), else its cross-check is skipped. Downloads about 110 MB into a temporary folder (ESO-MIDAS test data is most of it).
#
# Usage: bash tools/fetch_format_samples.sh          (KEEP_WORK=1 keeps the scratch folder)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/tests/formats"
work="$(mktemp -d)"
if [ "${KEEP_WORK:-0}" = 1 ]; then echo "scratch: $work"; else trap 'rm -rf "$work"' EXIT; fi
cd "$work"

pkgs=(
  python3-pydicom=2.3.1-1
  python3-nibabel=5.0.0-2
  octave-dicom=0.5.1-1
  python3-astropy=5.2.1-2+deb12u1
  eso-midas-testdata=22.02pl1.0-2
  python3-skimage=0.19.3-8
  golang-golang-x-image-dev=0.5.0-1
  python3-tifffile=20230203-1
  python3-pil=9.4.0-1.1+deb12u1
)
want_tiff=4.5.0-6+deb12u4
have_tiff="$(dpkg-query -W -f '${Version}' libtiff-tools 2>/dev/null || true)"
if [ "$have_tiff" != "$want_tiff" ]; then
  echo "warning: libtiff-tools is '${have_tiff:-not installed}', the files were made with $want_tiff" \
    "(apt-get install libtiff-tools=$want_tiff); re-encoded TIFFs may differ byte for byte" >&2
fi
# The RLE files were made with DCMTK and GDCM as Debian 12 has them.
want_dcmtk=3.6.7-9~deb12u4
want_gdcm=3.0.21-1
for tool in dcmtk=$want_dcmtk libgdcm-tools=$want_gdcm; do
  have="$(dpkg-query -W -f '${Version}' "${tool%%=*}" 2>/dev/null || true)"
  if [ "$have" != "${tool#*=}" ]; then
    echo "warning: ${tool%%=*} is '${have:-not installed}', the files were made with ${tool#*=}" \
      "(apt-get install $tool); its RLE files may differ byte for byte" >&2
  fi
done
for p in "${pkgs[@]}"; do apt-get download "$p" >/dev/null; done
for deb in ./*.deb; do dpkg-deb -x "$deb" x; done

py=x/usr/lib/python3/dist-packages
pyd=$py/pydicom/data/test_files
oct=x/usr/share/octave/packages/dicom-0.5.1/imdata
ast=$py/astropy
midas=x/usr/lib/eso-midas/22FEB/test
ski=$py/skimage/data
go=x/usr/share/gocode/src/golang.org/x/image/testdata

# dest <TAB> package <TAB> path inside the package (files copied unchanged)
cat >manifest.tsv <<EOF
dicom/CT_small.dcm	python3-pydicom	${pyd#x}/CT_small.dcm
dicom/MR_small.dcm	python3-pydicom	${pyd#x}/MR_small.dcm
dicom/MR_small_implicit.dcm	python3-pydicom	${pyd#x}/MR_small_implicit.dcm
dicom/MR_small_bigendian.dcm	python3-pydicom	${pyd#x}/MR_small_bigendian.dcm
dicom/MR_small_expb.dcm	python3-pydicom	${pyd#x}/MR_small_expb.dcm
dicom/MR_small_padded.dcm	python3-pydicom	${pyd#x}/MR_small_padded.dcm
dicom/MR1_4919.dcm	python3-pydicom	${pyd#x}/dicomdirtests/98892003/MR1/4919
dicom/MR2_4981.dcm	python3-pydicom	${pyd#x}/dicomdirtests/98892003/MR2/4981
dicom/MR700_4648.dcm	python3-pydicom	${pyd#x}/dicomdirtests/98892003/MR700/4648
dicom/CT2_17106.dcm	python3-pydicom	${pyd#x}/dicomdirtests/77654033/CT2/17106
dicom/CR1_6154.dcm	python3-pydicom	${pyd#x}/dicomdirtests/77654033/CR1/6154
dicom/chrFren.dcm	python3-pydicom	${py#x}/pydicom/data/charset_files/chrFren.dcm
dicom/octave_simpleImageWithIcon.dcm	octave-dicom	${oct#x}/simpleImageWithIcon.dcm
dicom/octave_simple-test.dcm	octave-dicom	${oct#x}/simple-test.dcm
dicom/nibabel_0.dcm	python3-nibabel	${py#x}/nibabel/tests/data/0.dcm
dicom/nibabel_decimal_rescale.dcm	python3-nibabel	${py#x}/nibabel/nicom/tests/data/decimal_rescale.dcm
dicom/MR_small_RLE.dcm	python3-pydicom	${pyd#x}/MR_small_RLE.dcm
dicom/MR_small_jpeg_ls_lossless.dcm	python3-pydicom	${pyd#x}/MR_small_jpeg_ls_lossless.dcm
dicom/MR_small_jp2klossless.dcm	python3-pydicom	${pyd#x}/MR_small_jp2klossless.dcm
dicom/JPGExtended.dcm	python3-pydicom	${pyd#x}/JPGExtended.dcm
dicom/SC_rgb_jpeg_gdcm.dcm	python3-pydicom	${pyd#x}/SC_rgb_jpeg_gdcm.dcm
dicom/image_dfl.dcm	python3-pydicom	${pyd#x}/image_dfl.dcm
dicom/SC_rgb_small_odd.dcm	python3-pydicom	${pyd#x}/SC_rgb_small_odd.dcm
dicom/ExplVR_BigEnd.dcm	python3-pydicom	${pyd#x}/ExplVR_BigEnd.dcm
dicom/SC_ybr_full_422_uncompressed.dcm	python3-pydicom	${pyd#x}/SC_ybr_full_422_uncompressed.dcm
dicom/liver_1frame.dcm	python3-pydicom	${pyd#x}/liver_1frame.dcm
dicom/rtdose_1frame.dcm	python3-pydicom	${pyd#x}/rtdose_1frame.dcm
dicom/rtdose.dcm	python3-pydicom	${pyd#x}/rtdose.dcm
dicom/MR_truncated.dcm	python3-pydicom	${pyd#x}/MR_truncated.dcm
dicom/chrJapMulti.dcm	python3-pydicom	${py#x}/pydicom/data/charset_files/chrJapMulti.dcm
fits/astropy_fixed-1890.fits	python3-astropy	${ast#x}/io/fits/tests/data/fixed-1890.fits
fits/astropy_sip-wcs.fits	python3-astropy	${ast#x}/nddata/tests/data/sip-wcs.fits
fits/astropy_checksum.fits	python3-astropy	${ast#x}/io/fits/tests/data/checksum.fits
fits/astropy_o4sp040b0_raw.fits	python3-astropy	${ast#x}/io/fits/tests/data/o4sp040b0_raw.fits
fits/astropy_complex.fits	python3-astropy	${ast#x}/io/misc/asdf/tags/fits/tests/data/complex.fits
fits/astropy_test0.fits	python3-astropy	${ast#x}/io/fits/tests/data/test0.fits
fits/astropy_scale.fits	python3-astropy	${ast#x}/io/fits/tests/data/scale.fits
fits/skimage_simple.fits	python3-skimage	${ski#x}/simple.fits
fits/skimage_multi.fits	python3-skimage	${ski#x}/multi.fits
fits/midas_badMPE.fits	eso-midas-testdata	${midas#x}/prim/badMPE.fits
fits/midas_tst0001.mt	eso-midas-testdata	${midas#x}/fits/tst0001.mt
fits/midas_dss_test1.fits	eso-midas-testdata	${midas#x}/prim/dss_test1.fits
fits/midas_dss_test2.fits	eso-midas-testdata	${midas#x}/prim/dss_test2.fits
fits/midas_wcstest.mt	eso-midas-testdata	${midas#x}/prim/wcstest.mt
fits/midas_tst0002.mt	eso-midas-testdata	${midas#x}/fits/tst0002.mt
fits/midas_tst0009.mt	eso-midas-testdata	${midas#x}/fits/tst0009.mt
fits/midas_tst0010.mt	eso-midas-testdata	${midas#x}/fits/tst0010.mt
fits/midas_tst0011.mt	eso-midas-testdata	${midas#x}/fits/tst0011.mt
fits/midas_nocdelt.fits	eso-midas-testdata	${midas#x}/prim/nocdelt.fits
fits/astropy_1904-66_AZP.fits	python3-astropy	${ast#x}/modeling/tests/data/1904-66_AZP.fits
fits/astropy_comp.fits	python3-astropy	${ast#x}/io/fits/tests/data/comp.fits
fits/midas_tst0006.mt	eso-midas-testdata	${midas#x}/fits/tst0006.mt
fits/astropy_arange.fits	python3-astropy	${ast#x}/io/fits/tests/data/arange.fits
fits/midas_tst0005.mt	eso-midas-testdata	${midas#x}/fits/tst0005.mt
fits/midas_tst0008.mt	eso-midas-testdata	${midas#x}/fits/tst0008.mt
fits/astropy_blank.fits	python3-astropy	${ast#x}/io/fits/tests/data/blank.fits
fits/astropy_compressed_image.fits	python3-astropy	${ast#x}/io/fits/tests/data/compressed_image.fits
fits/astropy_header_with_time.fits	python3-astropy	${ast#x}/wcs/tests/data/header_with_time.fits
fits/astropy_group.fits	python3-astropy	${ast#x}/io/fits/tests/data/group.fits
fits/astropy_tb.fits	python3-astropy	${ast#x}/io/fits/tests/data/tb.fits
fits/astropy_zerowidth.fits	python3-astropy	${ast#x}/io/fits/tests/data/zerowidth.fits
fits/astropy_validate.fits	python3-astropy	${ast#x}/wcs/tests/data/validate.fits
tiff/skimage_blobs_3d_fiji_skeleton.tif	python3-skimage	${ski#x}/_blobs_3d_fiji_skeleton.tif
tiff/skimage_chessboard_GRAY_U16.tif	python3-skimage	${ski#x}/chessboard_GRAY_U16.tif
tiff/skimage_chessboard_GRAY_U16B.tif	python3-skimage	${ski#x}/chessboard_GRAY_U16B.tif
tiff/skimage_multipage.tif	python3-skimage	${ski#x}/multipage.tif
tiff/go_video-001-gray.tiff	golang-golang-x-image-dev	${go#x}/video-001-gray.tiff
tiff/go_video-001-gray-16bit.tiff	golang-golang-x-image-dev	${go#x}/video-001-gray-16bit.tiff
tiff/go_bw-uncompressed.tiff	golang-golang-x-image-dev	${go#x}/bw-uncompressed.tiff
tiff/go_bw-packbits.tiff	golang-golang-x-image-dev	${go#x}/bw-packbits.tiff
tiff/go_bw-gopher_ccittGroup4.tiff	golang-golang-x-image-dev	${go#x}/bw-gopher_ccittGroup4.tiff
tiff/go_video-001-paletted.tiff	golang-golang-x-image-dev	${go#x}/video-001-paletted.tiff
tiff/go_blue-purple-pink.lzwcompressed.tiff	golang-golang-x-image-dev	${go#x}/blue-purple-pink.lzwcompressed.tiff
tiff/go_video-001-tile-64x64.tiff	golang-golang-x-image-dev	${go#x}/video-001-tile-64x64.tiff
tiff/go_video-001-16bit.tiff	golang-golang-x-image-dev	${go#x}/video-001-16bit.tiff
tiff/go_no_compress.tiff	golang-golang-x-image-dev	${go#x}/no_compress.tiff
tiff/skimage_multipage_rgb.tif	python3-skimage	${ski#x}/multipage_rgb.tif
EOF

rm -rf "$out/dicom" "$out/fits" "$out/tiff"
mkdir -p "$out/dicom" "$out/fits" "$out/tiff"
while IFS=$'\t' read -r dest pkg path; do
  cp "x$path" "$out/$dest"
done <manifest.tsv

# Made files: dest <TAB> package(s) <TAB> how (shown in README). The commands follow below.
g8=$go/video-001-gray.tiff
g16=$go/video-001-gray-16bit.tiff
t=$out/tiff
made() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>made.tsv; }
tc() { # tc DEST SOURCE-VAR-NAME OPTIONS...: tiffcp OPTIONS SOURCE tiff/DEST
  local dest=$1 src=$2
  shift 2
  tiffcp "$@" "${!src}" "$t/$dest"
  made "tiff/$dest" golang-golang-x-image-dev "\`tiffcp $*\` of video-001-$([ "$src" = g8 ] && echo gray || echo gray-16bit).tiff"
}
: >made.tsv
tc made_g8_lzw.tif g8 -c lzw
tc made_g8_lzw_pred2.tif g8 -c lzw:2
tc made_g8_zip.tif g8 -c zip
tc made_g8_zip_pred2.tif g8 -c zip:2
tc made_g8_packbits.tif g8 -c packbits
tc made_g8_rows1.tif g8 -c none -r 1
tc made_g8_tiles64_lzw_pred2.tif g8 -t -w 64 -l 64 -c lzw:2
tc made_g8_be_zip.tif g8 -B -c zip
tc made_g16_lzw_pred2.tif g16 -c lzw:2
tc made_g16_zip.tif g16 -c zip
tc made_g16_zip_pred2.tif g16 -c zip:2
tc made_g16_packbits.tif g16 -c packbits
tc made_g16_tiles32_zip_pred2.tif g16 -t -w 32 -l 32 -c zip:2
tc made_g16_be_lzw.tif g16 -B -c lzw
tiffcp -c zip "$g8" "$t/made_g8_deflate32946.tif" 2>/dev/null
tiffset -s 259 32946 "$t/made_g8_deflate32946.tif" 2>/dev/null
made tiff/made_g8_deflate32946.tif golang-golang-x-image-dev \
  "\`tiffcp -c zip\` of video-001-gray.tiff, then \`tiffset -s 259 32946\` (old Deflate code)"
tiffcp -c none "$g8" "$t/made_g8_miniswhite.tif"
tiffset -s 262 0 "$t/made_g8_miniswhite.tif"
made tiff/made_g8_miniswhite.tif golang-golang-x-image-dev \
  "\`tiffcp -c none\` of video-001-gray.tiff, then \`tiffset -s 262 0\` (min-is-white)"
tiffcp -c lzw:2 "$ski/multipage.tif" "$t/made_multipage_lzw_pred2.tif"
made tiff/made_multipage_lzw_pred2.tif python3-skimage "\`tiffcp -c lzw:2\` of multipage.tif"
tiffcp -c packbits "$ski/_blobs_3d_fiji_skeleton.tif" "$t/made_blobs_packbits.tif"
made tiff/made_blobs_packbits.tif python3-skimage "\`tiffcp -c packbits\` of _blobs_3d_fiji_skeleton.tif"
tiffcp -c lzw "$g8" "$g16" "$t/made_pages_g8_g16_lzw.tif"
made tiff/made_pages_g8_g16_lzw.tif golang-golang-x-image-dev \
  "\`tiffcp -c lzw\` of video-001-gray.tiff and video-001-gray-16bit.tiff (2 pages: 8 then 16 bits)"

# One multi-frame DICOM: the seven 16x16 slices of series MR700 (pydicom's dicomdirtests), sorted
# by InstanceNumber, joined by pydicom 2.3.1 into Explicit VR Little Endian with NumberOfFrames 7.
PYTHONPATH="$work/$py" python3 - "$pyd/dicomdirtests/98892003/MR700" "$out/dicom/made_MR700_7frames.dcm" <<'EOF'
import os, sys, warnings
warnings.simplefilter("ignore")
import pydicom
from pydicom.uid import ExplicitVRLittleEndian
src, dest = sys.argv[1:]
slices = sorted((pydicom.dcmread(os.path.join(src, f)) for f in os.listdir(src)),
                key=lambda d: int(d.InstanceNumber))
ds = slices[0]
ds.NumberOfFrames = len(slices)
ds.PixelData = b"".join(s.PixelData for s in slices)
ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
ds.is_little_endian, ds.is_implicit_VR = True, False
ds.save_as(dest, write_like_original=False)
EOF
made dicom/made_MR700_7frames.dcm python3-pydicom \
  "pydicom 2.3.1 joins the 7 slices of \`dicomdirtests/98892003/MR700/\` (by InstanceNumber) into one Explicit VR LE file, NumberOfFrames 7"

# RLE Lossless DICOMs as the three encoders bpcodec rebuilds write them: DCMTK's dcmcrle (of the
# multi-frame file above), GDCM's gdcmconv and pydicom's own encoder (of MR_small.dcm).
dcmcrle "$out/dicom/made_MR700_7frames.dcm" "$out/dicom/made_MR700_7frames_rle_dcmtk.dcm"
made dicom/made_MR700_7frames_rle_dcmtk.dcm python3-pydicom \
  "\`dcmcrle\` (DCMTK $want_dcmtk) of made_MR700_7frames.dcm"
gdcmconv --rle "$pyd/MR_small.dcm" "$out/dicom/made_MR_small_rle_gdcm.dcm"
made dicom/made_MR_small_rle_gdcm.dcm python3-pydicom "\`gdcmconv --rle\` (GDCM $want_gdcm) of MR_small.dcm"
PYTHONPATH="$work/$py" python3 - "$pyd/MR_small.dcm" "$out/dicom/made_MR_small_rle_pydicom.dcm" <<'EOF'
import sys, warnings
warnings.simplefilter("ignore")
import pydicom
from pydicom.uid import RLELossless
ds = pydicom.dcmread(sys.argv[1])
ds.compress(RLELossless, encoding_plugin="pydicom")
ds.save_as(sys.argv[2])
EOF
made dicom/made_MR_small_rle_pydicom.dcm python3-pydicom \
  "pydicom 2.3.1's own RLE encoder (\`compress(RLELossless, encoding_plugin='pydicom')\`) of MR_small.dcm"
gdcmconv --jpegls "$out/dicom/made_MR700_7frames.dcm" "$out/dicom/made_MR700_7frames_jls_gdcm.dcm"
made dicom/made_MR700_7frames_jls_gdcm.dcm python3-pydicom \
  "\`gdcmconv --jpegls\` (GDCM $want_gdcm, CharLS) of made_MR700_7frames.dcm"

# expected.tsv and README.md, from independent readers: pydicom for DICOM, numpy for FITS,
# libtiff (tiffcp -c none) + tifffile for TIFF, cross-checked with Pillow where Pillow can.
for p in "${pkgs[@]}"; do
  n=${p%%=*}
  printf '%s\t%s\t%s\n' "$n" "${p#*=}" "$(grep -m1 '^License:' "x/usr/share/doc/$n/copyright" | sed 's/^License: *//')"
done >packages.tsv
cat >readme_intro.md <<'MD'
# Real DICOM, FITS and TIFF files (test data)

Every file in `dicom/`, `fits/` and `tiff/` comes from a Debian 12 (bookworm) package, at the
version named in the tables; `tools/fetch_format_samples.sh` downloads those versions
(`apt-get download`, `dpkg-deb -x`), copies the files, makes the `made_*` files and writes this
README and `expected.tsv`. Copied files keep their base name, prefixed by their origin where
needed (`astropy_`, `midas_`, `skimage_`, `go_` for golang.org/x/image, `octave_`, `nibabel_`);
DICOM files of pydicom's `dicomdirtests` (no extension there) are named `SERIES_FILE.dcm`.
`libtiff/` is separate (made by `tools/make_libtiff_samples.sh` from corpus images, not rebuilt
here); its files are listed in `expected.tsv` and in the last table too, by the same readers.

`made_*` files are not in any package as such: they are re-encodings, by standard tools, of a
Debian original named in the table:

- TIFF: libtiff 4.5.0 (`libtiff-tools` 4.5.0-6+deb12u4) `tiffcp` with the options shown (`-c lzw`,
  `-c lzw:2` = LZW with horizontal predictor 2, `-c zip`/`zip:2` = Deflate (8) without/with
  predictor, `-c packbits`, `-c none -r 1` = one row per strip, `-t -w W -l L` = tiles, `-B` =
  big-endian), from `video-001-gray.tiff` (8 bit) and `video-001-gray-16bit.tiff` (16 bit) of
  golang.org/x/image, or from skimage's `multipage.tif` / `_blobs_3d_fiji_skeleton.tif`;
  `made_g8_deflate32946.tif` is a Deflate file whose Compression tag was then set to the old code
  32946 by `tiffset` (libtiff decodes both codes alike), `made_g8_miniswhite.tif` an uncompressed
  copy whose PhotometricInterpretation was set to 0 by `tiffset` (same stored bytes).
- DICOM: `made_MR700_7frames.dcm` joins the seven 16×16 slices of pydicom's
  `dicomdirtests/98892003/MR700/` (sorted by InstanceNumber) into one Explicit VR Little Endian file
  with NumberOfFrames 7, written by pydicom 2.3.1; `made_MR700_7frames_rle_dcmtk.dcm` is that file
  in RLE Lossless by DCMTK 3.6.7's `dcmcrle`, `made_MR_small_rle_gdcm.dcm` and
  `made_MR_small_rle_pydicom.dcm` are `MR_small.dcm` in RLE Lossless by GDCM 3.0.21's `gdcmconv
  --rle` and by pydicom 2.3.1's own encoder (`MR_small_RLE.dcm`, from the package, is DCMTK's). No
  Debian package has a native (uncompressed) multi-frame 8- or 16-bit grayscale DICOM; the real
  multi-frame files here (`rtdose.dcm`, 15 frames of 32 bits) are refused.

## Verdicts

ACCEPT: a grayscale reader of the kind bpcodec has should read the file; REFUSE: it should say
no (and an archiver keeps the file whole). The rules used:

- DICOM: a Part 10 file (preamble, `DICM`, File Meta) with a native transfer syntax (Implicit VR LE
  1.2.840.10008.1.2, Explicit VR LE 1.2.840.10008.1.2.1, Explicit VR BE 1.2.840.10008.1.2.2) or RLE
  Lossless (1.2.840.10008.1.2.5) or JPEG-LS Lossless (1.2.840.10008.1.2.4.80), a Pixel Data element
  with at least Rows×Columns×NumberOfFrames samples, SamplesPerPixel 1, MONOCHROME1 or MONOCHROME2,
  BitsAllocated 8 or 16, HighBit = BitsStored−1. Other compressed transfer syntaxes (JPEG, JPEG-LS
  near-lossless, JPEG 2000, Deflated), colour, 1- and 32-bit files, truncated pixel data, a missing
  Pixel Data element and files without File Meta are refused.
- FITS: `SIMPLE = T`; every HDU that is an image (the primary HDU unless it holds random groups, or
  `XTENSION = 'IMAGE'`) with NAXIS ≥ 2, no zero axis and BITPIX 8 or 16 gives pages: one per 2-D
  plane (NAXIS1 × NAXIS2; a cube of NAXIS3 planes gives NAXIS3 pages, all HDUs in file order).
  The file is accepted when there is at least one such page; other HDUs (tables, float images,
  tile-compressed images in BINTABLEs) are then only bytes to keep. It is refused when there is
  none (BITPIX −32/−64/32/64 only, tables only, 1-D data, random groups, `SIMPLE = F`).
- TIFF: every page SamplesPerPixel 1, PhotometricInterpretation 0 (min-is-white) or 1
  (min-is-black), BitsPerSample 8 or 16, SampleFormat 1 (unsigned) or absent, FillOrder 1,
  compression none (1), LZW (5), Deflate (8 or 32946) or PackBits (32773), any predictor, strips or
  tiles, either byte order. Refused: 1-bit, palette, RGB/RGBA, floating point, CCITT.

## expected.tsv

One line per file (header line first), tab-separated:
`path verdict pages width height bits_stored signed sha256_int32le sha256_u16_as_coded note`.
`pages`, `width`, `height` (width = columns = NAXIS1 = ImageWidth, of the first page),
`bits_stored`, `signed` and both hashes are `-` for refused files; `note` says why a file is refused,
or what is notable about an accepted one.

`sha256_int32le` is the SHA-256 of the pixel values of all pages, concatenated in page order,
each page in raster order (row by row, top row first as stored), each value written as a
little-endian two's-complement int32. The values are the stored integers:

- DICOM: the BitsAllocated-bit sample masked to its low BitsStored bits (bits above BitsStored are
  ignored), then sign-extended from BitsStored bits when PixelRepresentation is 1. No rescale
  (RescaleSlope/Intercept), no MONOCHROME1 inversion, no windowing.
- FITS: BITPIX 8: the unsigned byte. BITPIX 16 with `BZERO = 32768` and `BSCALE = 1` (or absent):
  the physical unsigned value raw + 32768 (0…65535), `signed` 0. Other BITPIX 16 (no BZERO, or
  another BZERO/BSCALE, e.g. `astropy_scale.fits`): the raw signed value, `signed` 1; BSCALE/BZERO
  are not applied. Values are taken as stored: BLANK is not treated specially.
- TIFF: the stored unsigned sample (no inversion for min-is-white), predictor undone, `signed` 0.

`sha256_u16_as_coded` is the hash in the convention bpcodec's readers use internally (and that
`tests/file_formats.test.ts` checked before this set): the same pages, every value as little-endian
uint16, signed values shifted by +2^(bits−1); for FITS BITPIX 16 this is always raw + 32768
(whatever BZERO says), for BITPIX 8 and TIFF the stored value.

Hashes were computed without bpcodec: DICOM by numpy from pydicom's parse of the file
(python3-pydicom 2.3.1), cross-checked with pydicom's `pixel_array` (RLE frames: decoded by it;
JPEG-LS frames: by GDCM's `gdcmconv --raw`); FITS by a small numpy reader in the script; TIFF by
libtiff (`tiffcp -c none -s`, which undoes compression and predictor) read by tifffile 2023.02.03,
cross-checked with Pillow 9.4.0 (which inverts min-is-white; the check allows for that). The script
stops if a cross-check disagrees.
MD
PYTHONPATH="$work/$py" python3 - "$out" manifest.tsv made.tsv packages.tsv <<'EOF'
# Writes expected.tsv and README.md for tests/formats/{dicom,fits,tiff} (argv: OUT manifest made packages).
import hashlib, os, subprocess, sys, tempfile, warnings
import numpy as np

warnings.simplefilter("ignore")
out, manifest, made, packages = sys.argv[1:5]
pkg = {l.split("\t")[0]: l.rstrip("\n").split("\t")[1:] for l in open(packages)}
src = {}
for l in open(manifest):
    d, p, path = l.rstrip("\n").split("\t")
    src[d] = (p, f"`{os.path.normpath(path)}`")
for l in open(made):
    d, p, how = l.rstrip("\n").split("\t")
    src[d] = (p, "made: " + how)


failed = []


def check(path, what, ok):  # cross-checks go to stderr; a disagreement fails the script
    print(f"  check {what}: {'agrees' if ok else 'DIFFERS' if ok is False else 'not run'}", file=sys.stderr)
    if ok is False:
        failed.append(f"{path}: {what}")


def sha(pages):  # the brief's convention: int32 little-endian, all pages in order
    h = hashlib.sha256()
    for a in pages:
        h.update(np.ascontiguousarray(a, dtype="<i4").tobytes())
    return h.hexdigest()


def sha_coded(pages, shift):  # bpcodec's own convention: uint16 LE, signed values + 2^(bits-1)
    h = hashlib.sha256()
    for a in pages:
        h.update(np.ascontiguousarray(a.astype(np.int64) + shift, dtype="<u2").tobytes())
    return h.hexdigest()


NATIVE = {"1.2.840.10008.1.2": "Implicit VR LE", "1.2.840.10008.1.2.1": "Explicit VR LE",
          "1.2.840.10008.1.2.2": "Explicit VR BE"}
RLE = "1.2.840.10008.1.2.5"  # RLE Lossless: read too, its frames decoded by pydicom
JPEG_LS = "1.2.840.10008.1.2.4.80"  # JPEG-LS Lossless: read too, its frames decoded by GDCM


def gdcm_raw(path):  # the file with its pixel data decoded by GDCM (gdcmconv --raw)
    import pydicom
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["gdcmconv", "--raw", path, f"{d}/raw.dcm"], check=True)
        return pydicom.dcmread(f"{d}/raw.dcm")


def dicom(path):
    import pydicom
    try:
        ds = pydicom.dcmread(path)
    except Exception as e:
        return dict(verdict="refuse", why=f"not a DICOM Part 10 file (pydicom: {type(e).__name__})",
                    attrs="no preamble, no DICM, no File Meta")
    ts = str(ds.file_meta.get("TransferSyntaxUID", "?"))
    tsname = NATIVE.get(ts) or pydicom.uid.UID(ts).name
    g = lambda k: ds.get(k, "-")
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    attrs = (f"{tsname} ({ts}); {g('Rows')}×{g('Columns')} (rows×cols); {frames} frame(s); "
             f"spp {g('SamplesPerPixel')} {g('PhotometricInterpretation')}; "
             f"alloc/stored/high {g('BitsAllocated')}/{g('BitsStored')}/{g('HighBit')}; "
             f"PixelRepresentation {g('PixelRepresentation')}")
    r = dict(verdict="refuse", attrs=attrs)
    if ts not in NATIVE and ts not in (RLE, JPEG_LS):
        r["why"] = f"compressed transfer syntax ({tsname})"
        return r
    if "PixelData" not in ds:
        r["why"] = "no Pixel Data element"
        return r
    if ds.SamplesPerPixel != 1 or ds.PhotometricInterpretation not in ("MONOCHROME1", "MONOCHROME2"):
        r["why"] = f"{ds.SamplesPerPixel} samples per pixel, {ds.PhotometricInterpretation}"
        return r
    if ds.BitsAllocated not in (8, 16):
        r["why"] = f"BitsAllocated {ds.BitsAllocated}"
        return r
    bits, signed = int(ds.BitsStored), int(ds.PixelRepresentation)
    if int(ds.HighBit) != bits - 1:
        r["why"] = f"HighBit {ds.HighBit} with BitsStored {bits}"
        return r
    n = ds.Rows * ds.Columns * frames
    notes = []
    if ts == RLE:  # the stored samples, as pydicom's RLE handler decodes them
        raw = ds.pixel_array.astype(np.int64).reshape(-1) & ((1 << ds.BitsAllocated) - 1)
        notes.append("RLE Lossless")
    elif ts == JPEG_LS:  # the stored samples, as GDCM decodes them
        raw = np.frombuffer(gdcm_raw(path).PixelData, dtype="<" + ("u1" if ds.BitsAllocated == 8 else "u2"))
        raw = raw[:n].astype(np.int64)
        notes.append("JPEG-LS Lossless")
    else:
        raw = np.frombuffer(ds.PixelData, dtype=(">" if ts == "1.2.840.10008.1.2.2" else "<")
                            + ("u1" if ds.BitsAllocated == 8 else "u2"))
        if raw.size < n:
            r["why"] = f"truncated pixel data ({len(ds.PixelData)} bytes for {n} samples)"
            return r
        raw = raw[:n].astype(np.int64)
        if len(ds.PixelData) > n * ds.BitsAllocated // 8:
            notes.append(f"Pixel Data is {len(ds.PixelData) - n * ds.BitsAllocated // 8} bytes longer than the frames")
    mask = (1 << bits) - 1
    high = int(np.count_nonzero(raw & ~mask))
    if bits < ds.BitsAllocated:
        notes.append(f"{high} samples have bits above BitsStored set" if high else "no bits above BitsStored set")
    v = raw & mask
    if signed:
        v = np.where(v >= 1 << (bits - 1), v - (1 << bits), v)
    try:  # cross-check with pydicom's own decoder
        pa = ds.pixel_array.astype(np.int64).reshape(-1)
        if bits < ds.BitsAllocated and not signed:
            pa &= mask
        check(path, "pydicom pixel_array", np.array_equal(pa, v))
    except Exception as e:
        check(path, f"pydicom pixel_array ({type(e).__name__})", None)
    if "IconImageSequence" in ds:
        notes.append("has a nested Pixel Data in IconImageSequence")
    if ds.preamble and ds.preamble[:4] in (b"II*\0", b"MM\0*"):
        notes.append("128-byte preamble starts with a TIFF header")
    pages = [v[i * ds.Rows * ds.Columns:(i + 1) * ds.Rows * ds.Columns] for i in range(frames)]
    return dict(verdict="accept", attrs=attrs, pages=frames, w=ds.Columns, h=ds.Rows, bits=bits,
                signed=signed, sha=sha(pages), coded=sha_coded(pages, (1 << (bits - 1)) if signed else 0),
                why="; ".join(notes))


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


def num(s, default):
    return float(s.replace("D", "E")) if s not in (None, "") else default


def fits(path):
    data = open(path, "rb").read()
    at, hdus, pages, refused, signs, notes = 0, [], [], [], set(), []
    size = None
    while at < len(data):
        if at > 0 and data[at:at + 9] != b"XTENSION=":
            notes.append(f"{len(data) - at} bytes after the last HDU")
            break
        header, start = cards(data, at)
        if at == 0 and header.get("SIMPLE") != "T":
            return dict(verdict="refuse", why="SIMPLE = F", attrs="primary: SIMPLE = F")
        bitpix, naxis = int(header["BITPIX"]), int(header["NAXIS"])
        axes = [int(header[f"NAXIS{i}"]) for i in range(1, naxis + 1)]
        groups = header.get("GROUPS") == "T" and axes and axes[0] == 0
        count = int(np.prod(axes[1:] if groups else axes)) if naxis else 0
        nbytes = abs(bitpix) // 8 * int(header.get("GCOUNT", 1)) * (int(header.get("PCOUNT", 0)) + count)
        kind = header.get("XTENSION", "PRIMARY")
        image = (at == 0 and not groups) or kind == "IMAGE"
        d = f"{'random groups' if groups else kind} BITPIX {bitpix} NAXIS {'×'.join(map(str, axes)) or '0'}"
        for k in ("BZERO", "BSCALE", "BLANK"):
            if k in header:
                d += f" {k} {header[k]}"
        if header.get("ZIMAGE") == "T":
            d += " ZIMAGE (tile-compressed)"
            refused.append("a tile-compressed image")
        hdus.append(d)
        if groups:
            refused.append("random groups")
        elif image and naxis >= 1 and count == 0 and any(a == 0 for a in axes):
            refused.append("an image with a zero-length axis")
        if image and naxis >= 2 and count > 0:
            if bitpix not in (8, 16):
                refused.append(f"an image of BITPIX {bitpix}")
            else:
                w, h = axes[0], axes[1]
                v = np.frombuffer(data, dtype=">u1" if bitpix == 8 else ">i2", count=count,
                                  offset=start).astype(np.int64)
                signed = 0
                if bitpix == 16:
                    if num(header.get("BZERO"), 0) == 32768 and num(header.get("BSCALE"), 1) == 1:
                        v = v + 32768
                    else:
                        signed = 1
                signs.add(signed)
                for p in range(count // (w * h)):
                    pages.append(v[p * w * h:(p + 1) * w * h])
                size = size or (w, h, bitpix)
        elif image and naxis >= 1 and count > 0:
            refused.append(f"a {naxis}-D image")
        at = start + (nbytes + 2879) // 2880 * 2880
    attrs = "; ".join(f"HDU{i + 1}: {d}" for i, d in enumerate(hdus))
    if not pages:
        return dict(verdict="refuse", why=(", ".join(dict.fromkeys(refused)) or "no image data") + "; no 8- or 16-bit image",
                    attrs=attrs)
    if refused:
        notes.append("other HDUs hold " + ", ".join(dict.fromkeys(refused)) + " (kept as bytes)")
    if len(signs) > 1:
        notes.append("MIXED signedness across HDUs")
    w, h, bitpix = size
    signed = max(signs)
    coded = sha_coded([p if bitpix == 8 else (p - 32768 if not signed else p) for p in pages],
                      32768 if bitpix == 16 else 0)
    return dict(verdict="accept", attrs=attrs, pages=len(pages), w=w, h=h, bits=bitpix, signed=signed,
                sha=sha(pages), coded=coded, why="; ".join(notes))


COMP = {1: "none", 5: "LZW", 8: "Deflate", 32946: "Deflate (old code 32946)", 32773: "PackBits",
        3: "CCITT G3", 4: "CCITT G4", 2: "CCITT RLE", 7: "JPEG"}
PHOTO = {0: "min-is-white", 1: "min-is-black", 2: "RGB", 3: "palette"}


def tiff(path):
    import tifffile
    notes = []
    with tifffile.TiffFile(path) as tf:
        order = "big-endian (MM)" if tf.byteorder == ">" else "little-endian (II)"
        descr, bad = [], []
        for i, p in enumerate(tf.pages):
            t = p.tags
            get = lambda name, d=None: t[name].value if name in t else d
            bps = get("BitsPerSample", 1)
            bps = bps[0] if isinstance(bps, tuple) else bps
            spp, ph, comp = get("SamplesPerPixel", 1), int(get("PhotometricInterpretation", -1)), int(get("Compression", 1))
            sf = get("SampleFormat", 1)
            sf = int(sf[0] if isinstance(sf, tuple) else sf)
            pred = int(get("Predictor", 1))
            fill = int(get("FillOrder", 1))
            layout = (f"tiles {get('TileWidth')}×{get('TileLength')}" if "TileWidth" in t
                      else f"strips of {get('RowsPerStrip', 'all')} rows")
            d = (f"{p.imagewidth}×{p.imagelength}, {bps} bit, spp {spp}, {PHOTO.get(ph, ph)}, "
                 f"{COMP.get(comp, comp)}{', predictor 2' if pred == 2 else ''}, {layout}"
                 f"{', SampleFormat ' + str(sf) if sf != 1 else ''}{', FillOrder 2' if fill == 2 else ''}"
                 f"{', planar separate' if int(get('PlanarConfiguration', 1)) == 2 else ''}")
            descr.append(d)
            if spp != 1 or ph not in (0, 1):
                bad.append(f"{spp} samples, {PHOTO.get(ph, ph)}")
            elif bps not in (8, 16):
                bad.append(f"{bps}-bit samples")
            elif sf != 1:
                bad.append(f"SampleFormat {sf}")
            elif comp not in (1, 5, 8, 32946, 32773):
                bad.append(f"compression {COMP.get(comp, comp)}")
            elif fill != 1:
                bad.append("FillOrder 2")
            if get("RowsPerStrip", 0) and get("RowsPerStrip", 0) > p.imagelength and "TileWidth" not in t:
                note = f"RowsPerStrip {get('RowsPerStrip')} > height"
                if note not in notes:
                    notes.append(note)
        uniq = []
        for d in descr:
            if not uniq or uniq[-1][0] != d:
                uniq.append([d, 0])
            uniq[-1][1] += 1
        attrs = f"{len(descr)} page(s), {order}: " + "; ".join(f"{n}× {d}" if n > 1 else d for d, n in uniq)
    if bad:
        return dict(verdict="refuse", why=bad[0], attrs=attrs)
    with tempfile.TemporaryDirectory() as tmp:  # libtiff decodes (tiffcp -c none), tifffile reads
        plain = os.path.join(tmp, "plain.tif")
        subprocess.run(["tiffcp", "-c", "none", "-s", path, plain], check=True, capture_output=True)
        with tifffile.TiffFile(plain) as tf:
            pages = [p.asarray().astype(np.int64).reshape(-1) for p in tf.pages]
            sizes = [(p.imagewidth, p.imagelength, p.bitspersample) for p in tf.pages]
    try:
        from PIL import Image
        im, same = Image.open(path), True
        for i, v in enumerate(pages):
            im.seek(i)
            a = np.array(im).astype(np.int64).reshape(-1)
            if not (np.array_equal(a, v) or np.array_equal(a, (1 << sizes[i][2]) - 1 - v)):
                same = False
        check(path, "Pillow", same)
    except Exception as e:
        check(path, f"Pillow ({type(e).__name__}: {e})", None)
    if len(set(sizes)) > 1:
        notes.append("pages differ in size/bits: " + ", ".join(f"{w}×{h}/{b}" for w, h, b in sizes))
    w, h, bits = sizes[0]
    return dict(verdict="accept", attrs=attrs, pages=len(pages), w=w, h=h, bits=bits, signed=0,
                sha=sha(pages), coded=sha_coded(pages, 0), why="; ".join(notes))


rows, tables = [], {}
folders = [("dicom", dicom), ("fits", fits), ("tiff", tiff)]
if os.path.isdir(os.path.join(out, "libtiff")):  # tools/make_libtiff_samples.sh's set, listed too
    folders.append(("libtiff", tiff))
for folder, read in folders:
    for name in sorted(os.listdir(os.path.join(out, folder)), key=lambda s: (s.startswith("made_"), s.lower())):
        rel = f"{folder}/{name}"
        print(rel, file=sys.stderr)
        try:
            r = read(os.path.join(out, rel))
        except Exception as e:
            r = dict(verdict="refuse", why=f"unreadable by the reference reader ({type(e).__name__}: {e})", attrs="")
        if r["verdict"] == "accept":
            rows.append([rel, "accept", r["pages"], r["w"], r["h"], r["bits"], r["signed"], r["sha"], r["coded"], r["why"]])
        else:
            rows.append([rel, "refuse", "-", "-", "-", "-", "-", "-", "-", r["why"]])
        tables.setdefault(folder, []).append((rel, r))
        print("  ->", r["verdict"], r.get("why", ""), file=sys.stderr)

with open(os.path.join(out, "expected.tsv"), "w") as f:
    f.write("\t".join(["path", "verdict", "pages", "width", "height", "bits_stored", "signed",
                       "sha256_int32le", "sha256_u16_as_coded", "note"]) + "\n")
    for r in rows:
        f.write("\t".join(map(str, r)) + "\n")

intro = open(os.path.join(os.path.dirname(manifest) or ".", "readme_intro.md")).read()
md = [intro]
titles = {"dicom": "DICOM", "fits": "FITS", "tiff": "TIFF",
          "libtiff": "libtiff/ (not from Debian: made by tools/make_libtiff_samples.sh, listed for completeness)"}
for folder in tables:
    md.append(f"\n## {titles[folder]}\n")
    md.append("| file | verdict | why / notes | attributes | source package | path in the package | licence |")
    md.append("| --- | --- | --- | --- | --- | --- | --- |")
    for rel, r in tables[folder]:
        p, where = src.get(rel, ("-", "made by `tools/make_libtiff_samples.sh` from corpus crops"))
        ver, lic = pkg.get(p, ("", "as the corpus images"))
        v = r["verdict"].upper()
        if r["verdict"] == "accept":
            v += f" ({r['pages']}p {r['w']}×{r['h']} {r['bits']}b {'signed' if r['signed'] else 'unsigned'})"
        md.append(f"| `{rel.split('/', 1)[1]}` | {v} | {r.get('why', '')} | {r['attrs']} | {p} {ver} | {where} | {lic} |")
n = {k: sum(1 for _, r in v if r["verdict"] == "accept") for k, v in tables.items()}
deb = [r for r in rows if not r[0].startswith("libtiff/")]
total = sum(os.path.getsize(os.path.join(out, r[0])) for r in deb)
md.append(f"\n{len(deb)} files from Debian in dicom/, fits/, tiff/ ({total} bytes); accepted: DICOM {n['dicom']}, "
          f"FITS {n['fits']}, TIFF {n['tiff']}.\n")
open(os.path.join(out, "README.md"), "w").write("\n".join(md))
if failed:
    sys.exit("cross-checks disagree: " + "; ".join(failed))
EOF
# The README is checked by `deno fmt` with the rest of the repository.
if command -v deno >/dev/null; then deno fmt -q "$out/README.md"; else npx -y deno@2.9.6 fmt -q "$out/README.md"; fi
du -sh "$out/dicom" "$out/fits" "$out/tiff"
