;; The mixing network's arithmetic (see mixer.ts for its definition), with 128-bit SIMD.
;; tools/build_wasm.ts compiles this file into mixer_wasm.ts; the tests check that they agree.
;;
;; Memory (imported, laid out by mixer.ts), byte offsets:
;;   0      squash table: 4096 i16, entry x + 2048 for stretch value x
;;   8192   inputs: $stride bytes of i32 (the unused tail lanes stay 0)
;;   above  weight sets (i32, $stride bytes each) and final sets (4 i32 each), 16-byte aligned
;; Lane arithmetic equals the scalar definition: products and sums wrap at 32 bits, and the
;; per-input terms (x·w >> 8) are summed exactly (each is below 2^23 in magnitude).
(module
  (import "mixer" "memory" (memory 1))
  (global $stride (mut i32) (i32.const 0))
  (global $firstRate (mut i32) (i32.const 0))
  (global $finalRate (mut i32) (i32.const 0))
  (global $o0 (mut i32) (i32.const 0))
  (global $o1 (mut i32) (i32.const 0))
  (global $o2 (mut i32) (i32.const 0))
  (global $fo (mut i32) (i32.const 0))
  (global $d0 (mut i32) (i32.const 0))
  (global $d1 (mut i32) (i32.const 0))
  (global $d2 (mut i32) (i32.const 0))
  (global $p0 (mut i32) (i32.const 2048))
  (global $p1 (mut i32) (i32.const 2048))
  (global $p2 (mut i32) (i32.const 2048))
  (global $p (mut i32) (i32.const 2048))

  ;; Sets the input width in bytes (a multiple of 16) and the learning rates (in 1/16).
  (func (export "init") (param $stride i32) (param $firstRate i32) (param $finalRate i32)
    (global.set $stride (local.get $stride))
    (global.set $firstRate (local.get $firstRate))
    (global.set $finalRate (local.get $finalRate)))

  ;; clamp(sum >> 8, -2047, 2047)
  (func $clampStretch (param $sum i32) (result i32)
    (local $d i32)
    (local.set $d (i32.shr_s (local.get $sum) (i32.const 8)))
    (select (i32.const 2047)
      (select (i32.const -2047) (local.get $d) (i32.lt_s (local.get $d) (i32.const -2047)))
      (i32.gt_s (local.get $d) (i32.const 2047))))

  (func $squash (param $d i32) (result i32)
    (i32.load16_s (i32.shl (i32.add (local.get $d) (i32.const 2048)) (i32.const 1))))

  (func $lanes (param $v v128) (result i32)
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
      (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))

  ;; x·w >> 8, the final neuron's term
  (func $term (param $x i32) (param $w i32) (result i32)
    (i32.shr_s (i32.mul (local.get $x) (local.get $w)) (i32.const 8)))

  ;; The mixed probability with first-layer sets at byte offsets $o0, $o1, $o2 and the final
  ;; set at $fo.
  (func (export "p") (param $o0 i32) (param $o1 i32) (param $o2 i32) (param $fo i32)
    (result i32)
    (local $i i32) (local $x v128) (local $a0 v128) (local $a1 v128) (local $a2 v128)
    (local $d i32)
    (loop $inputs
      (local.set $x (v128.load offset=8192 (local.get $i)))
      (local.set $a0 (i32x4.add (local.get $a0) (i32x4.shr_s
        (i32x4.mul (local.get $x) (v128.load (i32.add (local.get $o0) (local.get $i))))
        (i32.const 8))))
      (local.set $a1 (i32x4.add (local.get $a1) (i32x4.shr_s
        (i32x4.mul (local.get $x) (v128.load (i32.add (local.get $o1) (local.get $i))))
        (i32.const 8))))
      (local.set $a2 (i32x4.add (local.get $a2) (i32x4.shr_s
        (i32x4.mul (local.get $x) (v128.load (i32.add (local.get $o2) (local.get $i))))
        (i32.const 8))))
      (br_if $inputs (i32.lt_u
        (local.tee $i (i32.add (local.get $i) (i32.const 16)))
        (global.get $stride))))
    (global.set $o0 (local.get $o0))
    (global.set $o1 (local.get $o1))
    (global.set $o2 (local.get $o2))
    (global.set $fo (local.get $fo))
    (global.set $d0 (call $clampStretch (call $lanes (local.get $a0))))
    (global.set $d1 (call $clampStretch (call $lanes (local.get $a1))))
    (global.set $d2 (call $clampStretch (call $lanes (local.get $a2))))
    (global.set $p0 (call $squash (global.get $d0)))
    (global.set $p1 (call $squash (global.get $d1)))
    (global.set $p2 (call $squash (global.get $d2)))
    (local.set $d (i32.add
      (i32.add
        (call $term (global.get $d0) (i32.load (local.get $fo)))
        (call $term (global.get $d1) (i32.load offset=4 (local.get $fo))))
      (i32.add
        (call $term (global.get $d2) (i32.load offset=8 (local.get $fo)))
        (call $term (i32.const 256) (i32.load offset=12 (local.get $fo))))))
    (global.set $p (call $squash (call $clampStretch (local.get $d))))
    (global.get $p))

  ;; ((bit·4096 − p) · rate) >> 4, or 0 when it is within −8…8 (exclusive)
  (func $error (param $target i32) (param $p i32) (param $rate i32) (result i32)
    (local $e i32)
    (local.set $e (i32.shr_s
      (i32.mul (i32.sub (local.get $target) (local.get $p)) (local.get $rate))
      (i32.const 4)))
    (select (i32.const 0) (local.get $e)
      (i32.and (i32.gt_s (local.get $e) (i32.const -8)) (i32.lt_s (local.get $e) (i32.const 8)))))

  ;; w += x·e >> 10 for the final weight at $at
  (func $learn (param $at i32) (param $x i32) (param $e i32)
    (i32.store (local.get $at) (i32.add (i32.load (local.get $at))
      (i32.shr_s (i32.mul (local.get $x) (local.get $e)) (i32.const 10)))))

  ;; Trains the sets used by the last p() on the coded bit.
  (func (export "update") (param $bit i32)
    (local $target i32) (local $e0 i32) (local $e1 i32) (local $e2 i32) (local $e i32)
    (local $i i32) (local $x v128) (local $v0 v128) (local $v1 v128) (local $v2 v128)
    (local $at i32)
    (local.set $target (i32.shl (local.get $bit) (i32.const 12)))
    (local.set $e0 (call $error (local.get $target) (global.get $p0) (global.get $firstRate)))
    (local.set $e1 (call $error (local.get $target) (global.get $p1) (global.get $firstRate)))
    (local.set $e2 (call $error (local.get $target) (global.get $p2) (global.get $firstRate)))
    (if (i32.or (i32.or (local.get $e0) (local.get $e1)) (local.get $e2))
      (then
        (local.set $v0 (i32x4.splat (local.get $e0)))
        (local.set $v1 (i32x4.splat (local.get $e1)))
        (local.set $v2 (i32x4.splat (local.get $e2)))
        (loop $inputs
          (local.set $x (v128.load offset=8192 (local.get $i)))
          (local.set $at (i32.add (global.get $o0) (local.get $i)))
          (v128.store (local.get $at) (i32x4.add (v128.load (local.get $at))
            (i32x4.shr_s (i32x4.mul (local.get $x) (local.get $v0)) (i32.const 10))))
          (local.set $at (i32.add (global.get $o1) (local.get $i)))
          (v128.store (local.get $at) (i32x4.add (v128.load (local.get $at))
            (i32x4.shr_s (i32x4.mul (local.get $x) (local.get $v1)) (i32.const 10))))
          (local.set $at (i32.add (global.get $o2) (local.get $i)))
          (v128.store (local.get $at) (i32x4.add (v128.load (local.get $at))
            (i32x4.shr_s (i32x4.mul (local.get $x) (local.get $v2)) (i32.const 10))))
          (br_if $inputs (i32.lt_u
            (local.tee $i (i32.add (local.get $i) (i32.const 16)))
            (global.get $stride))))))
    (local.set $e (call $error (local.get $target) (global.get $p) (global.get $finalRate)))
    (if (local.get $e)
      (then
        (call $learn (global.get $fo) (global.get $d0) (local.get $e))
        (call $learn (i32.add (global.get $fo) (i32.const 4)) (global.get $d1) (local.get $e))
        (call $learn (i32.add (global.get $fo) (i32.const 8)) (global.get $d2) (local.get $e))
        (call $learn (i32.add (global.get $fo) (i32.const 12)) (i32.const 256) (local.get $e))))))
