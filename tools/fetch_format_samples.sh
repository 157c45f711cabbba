#!/usr/bin/env bash
# Rebuilds tests/formats/{dicom,fits,tiff}/, tests/formats/expected.tsv and tests/formats/README.md
# from Debian 12 (bookworm) packages, pinned to the versions below: real DICOM, FITS and TIFF files
# (grayscale ones a reader should accept, others it should refuse), plus a few TIFFs re-encoded
# from a Debian original by libtiff's tiffcp/tiffset, and one multi-frame DICOM joined from seven
# Debian single-frame slices by pydicom. tests/formats/libtiff/ is not touched (see
# tools/make_libtiff_samples.sh).
#
# Needs: apt-get, dpkg-deb, libtiff-tools 4.5.0-6+deb12u4 (tiffcp, tiffset, tiffinfo), python3 with
# numpy. pydicom, tifffile and Pillow are taken from the downloaded .debs (PYTHONPATH), not
# installed. Downloads about 110 MB into a temporary folder (ESO-MIDAS test data is most of it).
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
dicom/MR700_4648.dcm	python3-pydicom	${pyd#x}/dicomdirtests/98892003/MR700/4648
dicom/CT2_17106.dcm	python3-pydicom	${pyd#x}/dicomdirtests/77654033/CT2/17106
dicom/CR1_6154.dcm	python3-pydicom	${pyd#x}/dicomdirtests/77654033/CR1/6154
dicom/chrFren.dcm	python3-pydicom	${pyd#x}/../charset_files/chrFren.dcm
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
dicom/rtdose.dcm	python3-pydicom	${pyd#x}/rtdose.dcm
dicom/MR_truncated.dcm	python3-pydicom	${pyd#x}/MR_truncated.dcm
dicom/chrJapMulti.dcm	python3-pydicom	${pyd#x}/../charset_files/chrJapMulti.dcm
dicom/ExplVR_LitEndNoMeta.dcm	python3-pydicom	${pyd#x}/ExplVR_LitEndNoMeta.dcm
fits/astropy_fixed-1890.fits	python3-astropy	${ast#x}/io/fits/tests/data/fixed-1890.fits
fits/astropy_sip-wcs.fits	python3-astropy	${ast#x}/nddata/tests/data/sip-wcs.fits
fits/astropy_checksum.fits	python3-astropy	${ast#x}/io/fits/tests/data/checksum.fits
fits/astropy_o4sp040b0_raw.fits	python3-astropy	${ast#x}/io/fits/tests/data/o4sp040b0_raw.fits
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

# expected.tsv and README.md, from independent readers: pydicom for DICOM, numpy for FITS,
# libtiff (tiffcp -c none) + tifffile for TIFF, cross-checked with Pillow where Pillow can.
for p in "${pkgs[@]}"; do
  n=${p%%=*}
  printf '%s\t%s\t%s\n' "$n" "${p#*=}" "$(grep -m1 '^License:' "x/usr/share/doc/$n/copyright" | sed 's/^License: *//')"
done >packages.tsv
PYTHONPATH="$work/$py" python3 "$here/tools/format_samples_table.py" "$out" manifest.tsv made.tsv packages.tsv
du -sh "$out/dicom" "$out/fits" "$out/tiff"
