#!/usr/bin/env bash
# Rebuilds tests/formats/{dicom,fits,tiff}/ from Debian 12 packages (the versions pinned below):
# real DICOM, FITS and TIFF files that bpcodec reads (and some it refuses, to test the refusal).
# tests/formats/README.md lists each file with its package, path and licence. Needs apt-get and
# dpkg-deb; downloads about 45 MB into a temporary folder.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/tests/formats"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
for pkg in python3-pydicom=2.3.1-1 python3-nibabel=5.0.0-2 python3-astropy=5.2.1-2+deb12u1 \
  eso-midas-testdata=22.02pl1.0-2 python3-skimage=0.19.3-8; do
  apt-get download "$pkg" >/dev/null
done
for deb in ./*.deb; do dpkg-deb -x "$deb" x; done
py=x/usr/lib/python3/dist-packages
midas=x/usr/lib/eso-midas/22FEB/test
copy() { # copy DEST-FOLDER DEST-NAME SOURCE
  mkdir -p "$out/$1"
  cp "$3" "$out/$1/$2"
}
rm -rf "$out/dicom" "$out/fits" "$out/tiff"
t=$py/pydicom/data/test_files
for f in CT_small MR_small MR_small_bigendian MR_small_expb MR_small_implicit MR_small_padded \
  MR_small_jpeg_ls_lossless MR_small_RLE SC_rgb_small_odd liver_1frame rtdose_1frame image_dfl \
  MR_truncated; do
  copy dicom "$f.dcm" "$t/$f.dcm"
done
copy dicom MR700_4648.dcm "$t/dicomdirtests/98892003/MR700/4648"
copy dicom MR2_4981.dcm "$t/dicomdirtests/98892003/MR2/4981"
copy dicom MR1_4919.dcm "$t/dicomdirtests/98892003/MR1/4919"
copy dicom nibabel_0.dcm "$py/nibabel/tests/data/0.dcm"
copy dicom nibabel_decimal_rescale.dcm "$py/nibabel/nicom/tests/data/decimal_rescale.dcm"
a=$py/astropy
for f in io/fits/tests/data/scale io/fits/tests/data/o4sp040b0_raw io/fits/tests/data/fixed-1890 \
  io/fits/tests/data/test0 io/fits/tests/data/checksum io/fits/tests/data/arange \
  io/fits/tests/data/comp nddata/tests/data/sip-wcs modeling/tests/data/1904-66_AZP \
  wcs/tests/data/header_with_time io/misc/asdf/tags/fits/tests/data/complex; do
  copy fits "astropy_$(basename "$f").fits" "$a/$f.fits"
done
for f in prim/dss_test1.fits prim/dss_test2.fits prim/nocdelt.fits prim/badMPE.fits \
  prim/wcstest.mt fits/tst0001.mt fits/tst0010.mt fits/tst0006.mt; do
  copy fits "midas_$(basename "$f")" "$midas/$f"
done
s=$py/skimage/data
for f in _blobs_3d_fiji_skeleton chessboard_GRAY_U16 chessboard_GRAY_U16B multipage multipage_rgb; do
  copy tiff "skimage_${f#_}.tif" "$s/$f.tif"
done
