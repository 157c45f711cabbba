;; The v2 bit model (docs/v2-stream.md §3.2, §3.3): the per-sample contexts of the image it is
;; bound to, then per bit the slot lookups, the mixing network, the APMs and their updates, in
;; WebAssembly with 128-bit SIMD for the network and the LMS and least-squares predictors.
;; tools/build_wasm.ts compiles this file into bit_kernel_wasm.ts; the tests check that they
;; agree. bit_kernel.ts lays out the memory, fills the tables and binds the image.
;;
;; Memory and shapes come from kernel_layout.ts: this text names them (a dollar sign and the
;; name, or the name + N, in braces) and tools/build_wasm.ts writes in their values before it
;; compiles it. In order:
;;   squash table (i16, entry x + 2048 for stretch value x), stretch table (i16), slot learning
;;   rates (i32 by count), difference buckets (u8, entry d + MAX_DIFFERENCE is signedBucket(d));
;;   the per-sample context area (kernel_layout.ts names each part): the direct predictions and
;;   classes, the hashed buckets and checks of the current group, the slot used by each input of
;;   the last p(), the network inputs (the stretched slots, the bias, zeros), per first-layer
;;   neuron the offset of its weight sets, its selected set and its output probability, the
;;   offset of its sets' update counts and the address of the selected set's count, the final
;;   neuron's inputs (the first-layer outputs, the bias, zeros), the sample's neighbours, its
;;   hashed contexts (all, then those looked up, and which those are), its gradient shape and
;;   phases, the LMS inputs (mean-removed) and weights (fast, then slow), their mean, and the
;;   least-squares predictor's weights and sums;
;;   then, at places imported: $final: the final neuron's sets (the first-layer neurons' sets
;;   precede it), $apmPosition, $apmError, $apmValue: APM cells (u16), the sets' update counts
;;   (u32, used with $rateDecay), $certainties: the certainty slots (i32, used with
;;   $certainty), $slots: the slots (i32),
;;   direct tables first, then the hashed table; after them, the image bound ($bindImage,
;;   kernel_layout.ts imageRegion): its blocks of error rows (i32), its samples (u16). $neuronsBytes is 4 × the model's first-layer
;;   neurons and $hashedInputs the hashed contexts looked up (5 and 10, or 3 and 8 for a model of
;;   payload version 3 or 4; 6 with coders 11 and 12), whose inputs the bias input follows; $inputBytes
;;   is the bytes of the first-layer inputs rounded up to whole v128s (the lanes beyond them are
;;   zero, so a dot product or update over them would change nothing).
;; Lane arithmetic equals the scalar definition: products and sums wrap at 32 bits, and the
;; per-input terms (x·w >> 8) are summed exactly (each is below 2^23 in magnitude).
(module
  (import "kernel" "memory" (memory 1))
  (import "kernel" "final" (global $final i32))
  (import "kernel" "neuronsBytes" (global $neuronsBytes i32))
  (import "kernel" "inputBytes" (global $inputBytes i32))
  (import "kernel" "hashedInputs" (global $hashedInputs i32))
  (import "kernel" "apmPosition" (global $apmPosition i32))
  (import "kernel" "apmError" (global $apmError i32))
  (import "kernel" "apmValue" (global $apmValue i32))
  (import "kernel" "slots" (global $slots i32))
  (import "kernel" "bits" (global $bits i32))
  (import "kernel" "shortPathThreshold" (global $shortPathThreshold i32))
  (import "kernel" "hashedLimit" (global $hashedLimit i32))
  (import "kernel" "firstRate" (global $firstRate i32))
  (import "kernel" "finalRate" (global $finalRate i32))
  (import "kernel" "hashShift" (global $hashShift i32))
  (import "kernel" "lmsShift" (global $lmsShift i32))
  (import "kernel" "fastLmsRate" (global $fastLmsRate i32))
  (import "kernel" "slowLmsRate" (global $slowLmsRate i32))
  (import "kernel" "leastSquares" (global $leastSquares i32))
  (import "kernel" "checkedWays" (global $checkedWays i32))
  (import "kernel" "rateDecay" (global $rateDecay i32))
  (import "kernel" "splitApmUpdates" (global $splitApmUpdates i32))
  (import "kernel" "decayFloor" (global $decayFloor i32))
  (import "kernel" "decayBoost" (global $decayBoost i32))
  (import "kernel" "certainty" (global $certainty i32))
  (import "kernel" "certainties" (global $certainties i32))
  (import "kernel" "phaseSets" (global $phaseSets i32))

  ;; The sample: the bit position, the bits known (in place), 1 followed by the bits of the
  ;; current group of 4 so far, and the group's number.
  (global $b (mut i32) (i32.const 0))
  (global $known (mut i32) (i32.const 0))
  (global $node (mut i32) (i32.const 1))
  (global $group (mut i32) (i32.const 0))
  ;; Whether the current group's buckets are resolved (checked buckets: their checks compared).
  (global $groupResolved (mut i32) (i32.const 0))
  ;; What $touchBuckets read last.
  (global $touched (mut i32) (i32.const 0))
  ;; The LMS predictions of the sample.
  (global $fastLms (mut i32) (i32.const 0))
  (global $slowLms (mut i32) (i32.const 0))
  ;; The state between p() and update(): path, the final neuron's set and output, APM cells
  ;; (the first-layer neurons' sets and outputs are in memory).
  (global $short (mut i32) (i32.const 0))
  (global $fo (mut i32) (i32.const 0))
  (global $p (mut i32) (i32.const 2048))
  (global $apmCell (mut i32) (i32.const 0))
  (global $apmWeight (mut i32) (i32.const 0))
  (global $cellPosition (mut i32) (i32.const 0))
  (global $weightPosition (mut i32) (i32.const 0))
  (global $cellError (mut i32) (i32.const 0))
  (global $weightError (mut i32) (i32.const 0))
  (global $cellValue (mut i32) (i32.const 0))
  (global $weightValue (mut i32) (i32.const 0))
  ;; With $certainty: the certainty slot the last p() used (or 0) and its side, and the run
  ;; (the bits coded with a certainty slot since one went against its side; 0 in a new kernel).
  (global $certaintySlot (mut i32) (i32.const 0))
  (global $certaintySide (mut i32) (i32.const 0))
  (global $certaintyRun (mut i32) (i32.const 0))

  ;; ---- tables -----------------------------------------------------------------------------
  (func $squash (param $d i32) (result i32)
    (i32.load16_s offset=${SQUASH_AT} (i32.shl (i32.add (local.get $d) (i32.const 2048)) (i32.const 1))))

  (func $stretch (param $p i32) (result i32)
    (i32.load16_s offset=${STRETCH_AT} (i32.shl (local.get $p) (i32.const 1))))

  ;; signedBucket(d) for a difference of two samples
  (func $differenceBucket (param $d i32) (result i32)
    (i32.load8_u offset=${BUCKETS_AT} (i32.add (local.get $d) (i32.const ${MAX_DIFFERENCE}))))

  (func $clampProbability (param $p i32) (result i32)
    (select (i32.const 4095)
      (select (i32.const 1) (local.get $p) (i32.lt_s (local.get $p) (i32.const 1)))
      (i32.gt_s (local.get $p) (i32.const 4095))))

  ;; ---- slots (state_map.ts) ---------------------------------------------------------------
  (func $slotAddress (param $slot i32) (result i32)
    (i32.add (global.get $slots) (i32.shl (local.get $slot) (i32.const 2))))

  ;; Input j uses slot `slot`: records it and sets the input to its stretched probability.
  (func $useSlot (param $j i32) (param $slot i32)
    (local $at i32)
    (local.set $at (i32.shl (local.get $j) (i32.const 2)))
    (i32.store offset=${SLOT_INDEX_AT} (local.get $at) (local.get $slot))
    (i32.store offset=${INPUTS_AT} (local.get $at) (call $stretch
      (i32.shr_u (i32.load (call $slotAddress (local.get $slot))) (i32.const 20)))))

  ;; Direct tables from…to − 1 for bit position b: each uses the slot of the distance from its
  ;; prediction to the split point `middle`, in its class.
  (func $lookUpDirect (param $from i32) (param $to i32) (param $b i32) (param $middle i32)
    (local $j i32) (local $at i32)
    (local.set $j (local.get $from))
    (loop $tables
      (local.set $at (i32.shl (local.get $j) (i32.const 2)))
      (call $useSlot (local.get $j) (i32.or
        (i32.add (i32.shl (local.get $j) (i32.const ${DIRECT_TABLE_SHIFT}))
          (i32.shl (local.get $b) (i32.const ${BIT_POSITION_SHIFT})))
        (i32.or
          (i32.shl (i32.load offset=${CLASSES_AT} (local.get $at)) (i32.const ${CLASS_SHIFT}))
          (call $differenceBucket
            (i32.sub (i32.load offset=${PREDICTIONS_AT} (local.get $at)) (local.get $middle))))))
      (br_if $tables (i32.lt_u
        (local.tee $j (i32.add (local.get $j) (i32.const 1)))
        (local.get $to)))))

  ;; Way i of the checked buckets of a group whose first bucket (its first slot) is `first`.
  (func $way (param $first i32) (param $i i32) (result i32)
    (i32.xor (local.get $first) (i32.shl (local.get $i) (i32.const ${BUCKET_SHIFT}))))

  ;; Resolves the bucket of the hashed context whose GROUP_BUCKETS_AT entry is at `at` (checked
  ;; buckets): of the $checkedWays buckets of its group (the one its hash gives first, then its
  ;; number XOR 1, 2, 3), the first whose slot 0 holds the check; if none does, the first of
  ;; those whose node-1 slot has the lowest count, reset (fresh slots, the check in slot 0).
  (func $resolveBucket (param $at i32)
    (local $first i32) (local $check i32) (local $i i32) (local $bucket i32) (local $a i32)
    (local $victim i32) (local $least i32) (local $count i32)
    (local.set $first (i32.load offset=${GROUP_BUCKETS_AT} (local.get $at)))
    (local.set $check (i32.load offset=${GROUP_CHECKS_AT} (local.get $at)))
    (local.set $least (i32.const 1024))
    (loop $ways
      (local.set $bucket (call $way (local.get $first) (local.get $i)))
      (local.set $a (call $slotAddress (local.get $bucket)))
      (if (i32.eq (i32.load (local.get $a)) (local.get $check)) (then
        (i32.store offset=${GROUP_BUCKETS_AT} (local.get $at) (local.get $bucket))
        (return)))
      (local.set $count (i32.and (i32.load offset=4 (local.get $a)) (i32.const 1023)))
      (if (i32.lt_u (local.get $count) (local.get $least)) (then
        (local.set $least (local.get $count))
        (local.set $victim (local.get $bucket))))
      (br_if $ways (i32.lt_u
        (local.tee $i (i32.add (local.get $i) (i32.const 1)))
        (global.get $checkedWays))))
    (local.set $a (call $slotAddress (local.get $victim)))
    (v128.store (local.get $a) (i32x4.splat (i32.const ${INITIAL_SLOT})))
    (v128.store offset=16 (local.get $a) (i32x4.splat (i32.const ${INITIAL_SLOT})))
    (v128.store offset=32 (local.get $a) (i32x4.splat (i32.const ${INITIAL_SLOT})))
    (v128.store offset=48 (local.get $a) (i32x4.splat (i32.const ${INITIAL_SLOT})))
    (i32.store (local.get $a) (local.get $check))
    (i32.store offset=${GROUP_BUCKETS_AT} (local.get $at) (local.get $victim)))

  ;; Reads slot 0 of each checked bucket of every hashed context's group before any is resolved,
  ;; so that their cache misses overlap instead of following one another (the sum is kept only so
  ;; that the loads stay): changes nothing but the time.
  (func $touchBuckets
    (local $j i32) (local $i i32) (local $first i32) (local $sum i32)
    (loop $contexts
      (local.set $first (i32.load offset=${GROUP_BUCKETS_AT} (local.get $j)))
      (local.set $i (i32.const 0))
      (loop $ways
        (local.set $sum (i32.add (local.get $sum)
          (i32.load (call $slotAddress (call $way (local.get $first) (local.get $i))))))
        (br_if $ways (i32.lt_u
          (local.tee $i (i32.add (local.get $i) (i32.const 1)))
          (global.get $checkedWays))))
      (br_if $contexts (i32.lt_u
        (local.tee $j (i32.add (local.get $j) (i32.const 4)))
        (i32.shl (global.get $hashedInputs) (i32.const 2)))))
    (global.set $touched (local.get $sum)))

  ;; The model's hashed contexts (inputs 9, 10, …): slot `node` of each one's bucket (with
  ;; checked buckets, resolved at the group's first look-up).
  (func $lookUpHashed (param $node i32)
    (local $j i32) (local $resolve i32)
    (local.set $resolve (i32.and (i32.ne (global.get $checkedWays) (i32.const 0))
      (i32.eqz (global.get $groupResolved))))
    (global.set $groupResolved (i32.const 1))
    (if (local.get $resolve) (then (call $touchBuckets)))
    (loop $contexts
      (if (local.get $resolve) (then (call $resolveBucket (i32.shl (local.get $j) (i32.const 2)))))
      (call $useSlot
        (i32.add (local.get $j) (i32.const ${DIRECT_INPUTS}))
        (i32.add
          (i32.load offset=${GROUP_BUCKETS_AT} (i32.shl (local.get $j) (i32.const 2)))
          (local.get $node)))
      (br_if $contexts (i32.lt_u
        (local.tee $j (i32.add (local.get $j) (i32.const 1)))
        (global.get $hashedInputs)))))

  ;; Each slot of inputs from…to − 1 learns the bit ($updateSlot).
  (func $updateSlots (param $from i32) (param $to i32) (param $bit i32) (param $limit i32)
    (local $j i32) (local $target i32)
    (local.set $target (call $slotTarget (local.get $bit)))
    (local.set $j (local.get $from))
    (loop $slots
      (call $updateSlot
        (call $slotAddress
          (i32.load offset=${SLOT_INDEX_AT} (i32.shl (local.get $j) (i32.const 2))))
        (local.get $target) (local.get $limit))
      (br_if $slots (i32.lt_u
        (local.tee $j (i32.add (local.get $j) (i32.const 1)))
        (local.get $to)))))

  ;; The 22-bit probability a slot learns towards: 2^22 − 128 for a 1, 128 for a 0.
  (func $slotTarget (param $bit i32) (result i32)
    (select (i32.const 4194176) (i32.const 128) (local.get $bit)))

  ;; The slot at `at` (22-bit p, 10-bit count n): p += ((target − p) >> 6) · RATES[n] >> 8,
  ;; n = min(n + 1, limit)
  (func $updateSlot (param $at i32) (param $target i32) (param $limit i32)
    (local $slot i32) (local $count i32) (local $p i32)
    (local.set $slot (i32.load (local.get $at)))
    (local.set $count (i32.and (local.get $slot) (i32.const 1023)))
    (local.set $p (i32.shr_u (local.get $slot) (i32.const 10)))
    (local.set $p (i32.add (local.get $p) (i32.shr_s
      (i32.mul
        (i32.shr_s (i32.sub (local.get $target) (local.get $p)) (i32.const 6))
        (i32.load offset=${RATES_AT} (i32.shl (local.get $count) (i32.const 2))))
      (i32.const 8))))
    (i32.store (local.get $at) (i32.or
      (i32.shl (local.get $p) (i32.const 10))
      (select
        (i32.add (local.get $count) (i32.const 1))
        (local.get $limit)
        (i32.lt_s (local.get $count) (local.get $limit))))))

  ;; ---- certainty (coders 12 and 13) -------------------------------------------------------
  ;; The probability coded for bit `b` from the 12-bit `p` (1…4095): without $certainty, `p`;
  ;; with it, 16 bits (1…65535): for a level (min(p, 4096 − p)) of at most CERTAINTY_LEVELS,
  ;; the top 16 bits of the certainty slot of (run class, path, side, b, level), else p · 16.
  (func $refine (param $p i32) (param $b i32) (result i32)
    (local $side i32) (local $level i32) (local $run i32) (local $context i32)
    (global.set $certaintySlot (i32.const 0))
    (if (i32.eqz (global.get $certainty)) (then (return (local.get $p))))
    (local.set $side (i32.gt_s (local.get $p) (i32.const 2048)))
    (local.set $level (select (i32.sub (i32.const 4096) (local.get $p)) (local.get $p)
      (local.get $side)))
    (if (i32.gt_s (local.get $level) (i32.const ${CERTAINTY_LEVELS}))
      (then (return (i32.shl (local.get $p) (i32.const 4)))))
    (local.set $run (i32.sub (i32.const 32) (i32.clz (global.get $certaintyRun))))
    (local.set $run (select (i32.const ${CERTAINTY_MAX_RUN_CLASS}) (local.get $run)
      (i32.gt_u (local.get $run) (i32.const ${CERTAINTY_MAX_RUN_CLASS}))))
    (global.set $certaintySide (local.get $side))
    ;; ((run class · 2 + short) · 2 + side) · BIT_POSITIONS + b, then the level within it.
    (local.set $context (i32.or (i32.shl (local.get $run) (i32.const 2))
      (i32.or (i32.shl (global.get $short) (i32.const 1)) (local.get $side))))
    (local.set $context (i32.or
      (i32.shl (local.get $context) (i32.const ${BIT_POSITION_BITS}))
      (local.get $b)))
    (global.set $certaintySlot (i32.add (global.get $certainties) (i32.shl
      (i32.add
        (i32.mul (local.get $context) (i32.const ${CERTAINTY_LEVELS}))
        (i32.sub (local.get $level) (i32.const 1)))
      (i32.const 2))))
    ;; A slot's probability lies in 128…2^22 − 128: its top 16 bits in 2…65534.
    (i32.shr_u (i32.load (global.get $certaintySlot)) (i32.const 16)))

  ;; The certainty slot the last p() used, if any, learns `bit`; the run grows, or restarts
  ;; when `bit` went against the slot's side.
  (func $learnCertainty (param $bit i32)
    (if (i32.eqz (global.get $certaintySlot)) (then (return)))
    (call $updateSlot (global.get $certaintySlot) (call $slotTarget (local.get $bit))
      (i32.const 1023))
    (global.set $certaintyRun (select
      (i32.add (global.get $certaintyRun) (i32.const 1))
      (i32.const 0)
      (i32.eq (local.get $bit) (global.get $certaintySide)))))

  ;; ---- APMs (33 cells per context) --------------------------------------------------------
  ;; The refined probability of `p` in `context`; leaves the first of the two cells it
  ;; interpolates in $apmCell and the second one's weight (0…127, of 128) in $apmWeight.
  (func $apm (param $cells i32) (param $p i32) (param $context i32) (result i32)
    (local $position i32) (local $weight i32) (local $at i32)
    (local.set $position (i32.add (call $stretch (local.get $p)) (i32.const 2048)))
    (local.set $weight (i32.and (local.get $position) (i32.const 127)))
    (local.set $at (i32.add (local.get $cells) (i32.shl
      (i32.add
        (i32.mul (local.get $context) (i32.const ${APM_CELLS}))
        (i32.shr_u (local.get $position) (i32.const 7)))
      (i32.const 1))))
    (global.set $apmCell (local.get $at))
    (global.set $apmWeight (local.get $weight))
    (i32.shr_u
      (i32.add
        (i32.mul (i32.load16_u (local.get $at)) (i32.sub (i32.const 128) (local.get $weight)))
        (i32.mul (i32.load16_u offset=2 (local.get $at)) (local.get $weight)))
      (i32.const 11)))

  ;; Trains the APM cells at `at` (the two a probability interpolated, the second with `weight`)
  ;; on `bit` at rate 2^−rate: with $splitApmUpdates both, each by its share of the
  ;; interpolation, rounded; else only the nearer one.
  (func $updateApm (param $at i32) (param $weight i32) (param $bit i32) (param $rate i32)
    (local $target i32)
    (local.set $target (select (i32.const 65535) (i32.const 0) (local.get $bit)))
    (if (global.get $splitApmUpdates)
      (then
        (call $trainApmCell (local.get $at) (local.get $target)
          (i32.sub (i32.const 128) (local.get $weight)) (local.get $rate))
        (call $trainApmCell (i32.add (local.get $at) (i32.const 2)) (local.get $target)
          (local.get $weight) (local.get $rate)))
      (else
        (local.set $at (i32.add (local.get $at)
          (i32.shl (i32.shr_u (local.get $weight) (i32.const 6)) (i32.const 1))))
        (i32.store16 (local.get $at) (i32.add (i32.load16_u (local.get $at)) (i32.shr_s
          (i32.sub (local.get $target) (i32.load16_u (local.get $at)))
          (local.get $rate)))))))

  ;; cell += ((target − cell)·share + 2^(rate+6)) >> (rate + 7), share of 128
  (func $trainApmCell (param $at i32) (param $target i32) (param $share i32) (param $rate i32)
    (local $cell i32) (local $shift i32)
    (local.set $cell (i32.load16_u (local.get $at)))
    (local.set $shift (i32.add (local.get $rate) (i32.const 7)))
    (i32.store16 (local.get $at) (i32.add (local.get $cell) (i32.shr_s
      (i32.add
        (i32.mul (i32.sub (local.get $target) (local.get $cell)) (local.get $share))
        (i32.shl (i32.const 1) (i32.sub (local.get $shift) (i32.const 1))))
      (local.get $shift)))))

  ;; ---- the mixing network -----------------------------------------------------------------
  ;; clamp(sum >> 8, -2047, 2047)
  (func $clampStretch (param $sum i32) (result i32)
    (local $d i32)
    (local.set $d (i32.shr_s (local.get $sum) (i32.const 8)))
    (select (i32.const 2047)
      (select (i32.const -2047) (local.get $d) (i32.lt_s (local.get $d) (i32.const -2047)))
      (i32.gt_s (local.get $d) (i32.const 2047))))

  (func $lanes (param $v v128) (result i32)
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
      (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))

  ;; Σ (x·w >> 8) over `bytes` of inputs at `inputs` and weights at `set`, four lanes at a time
  (func $dot (param $inputs i32) (param $set i32) (param $bytes i32) (result i32)
    (local $i i32) (local $sum v128)
    (loop $lanes
      (local.set $sum (i32x4.add (local.get $sum) (i32x4.shr_s
        (i32x4.mul
          (v128.load (i32.add (local.get $inputs) (local.get $i)))
          (v128.load (i32.add (local.get $set) (local.get $i))))
        (i32.const 8))))
      (br_if $lanes (i32.lt_u
        (local.tee $i (i32.add (local.get $i) (i32.const 16)))
        (local.get $bytes))))
    (call $lanes (local.get $sum)))

  ;; The network's probability: each first-layer neuron k with the set whose index p() wrote at
  ;; SELECTED_SET_AT[k] (replaced by its address), its output d (the final neuron's input k) and
  ;; squash(d) (at NEURON_P_AT[k]); then the final neuron with set `finalSet`.
  (func $mix (param $finalSet i32) (result i32)
    (local $k i32) (local $set i32) (local $d i32)
    (loop $neurons
      (local.set $set (i32.add
        (i32.load offset=${NEURON_BASE_AT} (local.get $k))
        (i32.mul (i32.load offset=${SELECTED_SET_AT} (local.get $k)) (i32.const ${SET_BYTES}))))
      (if (global.get $rateDecay) (then
        (i32.store offset=${SELECTED_COUNT_AT} (local.get $k) (i32.add
          (i32.load offset=${NEURON_COUNTS_AT} (local.get $k))
          (i32.shl (i32.load offset=${SELECTED_SET_AT} (local.get $k)) (i32.const 2))))))
      (i32.store offset=${SELECTED_SET_AT} (local.get $k) (local.get $set))
      (local.set $d (call $clampStretch
        (call $dot (i32.const ${INPUTS_AT}) (local.get $set) (global.get $inputBytes))))
      (i32.store offset=${FINAL_INPUTS_AT} (local.get $k) (local.get $d))
      (i32.store offset=${NEURON_P_AT} (local.get $k) (call $squash (local.get $d)))
      (br_if $neurons (i32.lt_u
        (local.tee $k (i32.add (local.get $k) (i32.const 4)))
        (global.get $neuronsBytes))))
    (global.set $fo (i32.add (global.get $final)
      (i32.mul (local.get $finalSet) (i32.const ${FINAL_SET_BYTES}))))
    (global.set $p (call $squash (call $clampStretch (call $dot
      (i32.const ${FINAL_INPUTS_AT}) (global.get $fo) (i32.const ${FINAL_SET_BYTES})))))
    (global.get $p))

  ;; ((bit·4096 − p) · rate) >> 4, or 0 when it is within −8…8 (exclusive)
  (func $error (param $target i32) (param $p i32) (param $rate i32) (result i32)
    (local $e i32)
    (local.set $e (i32.shr_s
      (i32.mul (i32.sub (local.get $target) (local.get $p)) (local.get $rate))
      (i32.const 4)))
    (select (i32.const 0) (local.get $e)
      (i32.and (i32.gt_s (local.get $e) (i32.const -8)) (i32.lt_s (local.get $e) (i32.const 8)))))

  ;; w += x·e >> 10 over `bytes` of weights at `set` and inputs at `inputs`
  (func $train (param $inputs i32) (param $set i32) (param $bytes i32) (param $e i32)
    (local $i i32) (local $at i32) (local $error v128)
    (local.set $error (i32x4.splat (local.get $e)))
    (loop $lanes
      (local.set $at (i32.add (local.get $set) (local.get $i)))
      (v128.store (local.get $at) (i32x4.add (v128.load (local.get $at)) (i32x4.shr_s
        (i32x4.mul (v128.load (i32.add (local.get $inputs) (local.get $i))) (local.get $error))
        (i32.const 10))))
      (br_if $lanes (i32.lt_u
        (local.tee $i (i32.add (local.get $i) (i32.const 16)))
        (local.get $bytes)))))

  ;; The learning rate of first-layer neuron k's selected set: the model's, or with decaying
  ;; rates $decayFloor + ($decayBoost >> (n >> DECAY_HALVING)) for a set trained n times before
  ;; (n then counts this update, up to DECAY_COUNT_LIMIT).
  (func $neuronRate (param $k i32) (result i32)
    (local $at i32) (local $n i32)
    (if (i32.eqz (global.get $rateDecay)) (then (return (global.get $firstRate))))
    (local.set $at (i32.load offset=${SELECTED_COUNT_AT} (local.get $k)))
    (local.set $n (i32.load (local.get $at)))
    (i32.store (local.get $at) (select
      (i32.add (local.get $n) (i32.const 1))
      (local.get $n)
      (i32.lt_u (local.get $n) (i32.const ${DECAY_COUNT_LIMIT}))))
    (i32.add (global.get $decayFloor) (i32.shr_u
      (global.get $decayBoost)
      (i32.shr_u (local.get $n) (i32.const ${DECAY_HALVING})))))

  (func $updateNetwork (param $bit i32)
    (local $target i32) (local $k i32) (local $e i32)
    (local.set $target (i32.shl (local.get $bit) (i32.const 12)))
    (loop $neurons
      (local.set $e (call $error (local.get $target)
        (i32.load offset=${NEURON_P_AT} (local.get $k)) (call $neuronRate (local.get $k))))
      (if (local.get $e)
        (then (call $train (i32.const ${INPUTS_AT})
          (i32.load offset=${SELECTED_SET_AT} (local.get $k)) (global.get $inputBytes)
          (local.get $e))))
      (br_if $neurons (i32.lt_u
        (local.tee $k (i32.add (local.get $k) (i32.const 4)))
        (global.get $neuronsBytes))))
    (local.set $e (call $error (local.get $target) (global.get $p) (global.get $finalRate)))
    (if (local.get $e)
      (then (call $train (i32.const ${FINAL_INPUTS_AT}) (global.get $fo)
        (i32.const ${FINAL_SET_BYTES}) (local.get $e)))))

  ;; ---- the LMS predictors (docs/v2-stream.md §3.2) ----------------------------------------
  ;; (Σ (w·u >> 4)) >> 12 over the 12 inputs, weights at `weights`
  (func $predictLms (param $weights i32) (result i32)
    (i32.shr_s
      (call $lanes (i32x4.add
        (i32x4.add
          (i32x4.shr_s
            (i32x4.mul (v128.load offset=${LMS_INPUTS_AT} (i32.const 0)) (v128.load (local.get $weights)))
            (i32.const 4))
          (i32x4.shr_s
            (i32x4.mul
              (v128.load offset=${LMS_INPUTS_AT + 16} (i32.const 0))
              (v128.load offset=16 (local.get $weights)))
            (i32.const 4)))
        (i32x4.shr_s
          (i32x4.mul
            (v128.load offset=${LMS_INPUTS_AT + 32} (i32.const 0))
            (v128.load offset=32 (local.get $weights)))
          (i32.const 4))))
      (i32.const 12)))

  ;; w = clamp(w + (e·u >> shift), ±2^17) for one vector of four weights at `at`
  (func $learnLmsLanes (param $at i32) (param $inputs v128) (param $error v128) (param $shift i32)
    (local $step v128)
    (local.set $step (i32x4.mul (local.get $error) (local.get $inputs)))
    (v128.store (local.get $at) (i32x4.max_s
      (i32x4.min_s
        (i32x4.add
          (v128.load (local.get $at))
          (if (result v128) (i32.ge_s (local.get $shift) (i32.const 0))
            (then (i32x4.shr_s (local.get $step) (local.get $shift)))
            (else (i32x4.shl (local.get $step) (i32.sub (i32.const 0) (local.get $shift))))))
        (i32x4.splat (i32.const 131072)))
      (i32x4.splat (i32.const -131072)))))

  ;; One LMS step towards `target` for the weights at `weights` with prediction `prediction`.
  (func $learnLms (param $weights i32) (param $prediction i32) (param $target i32)
    (param $shift i32)
    (local $error i32) (local $e v128)
    (local.set $error (i32.sub (local.get $target) (local.get $prediction)))
    (local.set $error (select (i32.const 4095)
      (select (i32.const -4095) (local.get $error) (i32.lt_s (local.get $error) (i32.const -4095)))
      (i32.gt_s (local.get $error) (i32.const 4095))))
    (local.set $e (i32x4.splat (local.get $error)))
    (call $learnLmsLanes (local.get $weights)
      (v128.load offset=${LMS_INPUTS_AT} (i32.const 0)) (local.get $e) (local.get $shift))
    (call $learnLmsLanes (i32.add (local.get $weights) (i32.const 16))
      (v128.load offset=${LMS_INPUTS_AT + 16} (i32.const 0)) (local.get $e) (local.get $shift))
    (call $learnLmsLanes (i32.add (local.get $weights) (i32.const 32))
      (v128.load offset=${LMS_INPUTS_AT + 32} (i32.const 0)) (local.get $e) (local.get $shift)))

  ;; Both LMS predictors learn the sample's value (bits above lmsShift, minus the mean); the
  ;; step is shifted by floor(log2(64 + Σ u²)) + rate − 16.
  (func $learnSample
    (local $u0 v128) (local $u1 v128) (local $u2 v128) (local $log i32) (local $target i32)
    (local.set $u0 (v128.load offset=${LMS_INPUTS_AT} (i32.const 0)))
    (local.set $u1 (v128.load offset=${LMS_INPUTS_AT + 16} (i32.const 0)))
    (local.set $u2 (v128.load offset=${LMS_INPUTS_AT + 32} (i32.const 0)))
    (local.set $log (i32.sub (i32.const 31) (i32.clz (i32.add (i32.const 64) (call $lanes
      (i32x4.add
        (i32x4.add (i32x4.mul (local.get $u0) (local.get $u0)) (i32x4.mul (local.get $u1) (local.get $u1)))
        (i32x4.mul (local.get $u2) (local.get $u2))))))))
    (local.set $target (i32.sub
      (i32.shr_s (global.get $known) (global.get $lmsShift))
      (i32.load offset=${LMS_STATE_AT} (i32.const 0))))
    (call $learnLms (i32.const ${FAST_LMS_WEIGHTS_AT}) (global.get $fastLms) (local.get $target)
      (i32.add (local.get $log) (i32.sub (global.get $fastLmsRate) (i32.const 16))))
    (call $learnLms (i32.const ${SLOW_LMS_WEIGHTS_AT}) (global.get $slowLms) (local.get $target)
      (i32.add (local.get $log) (i32.sub (global.get $slowLmsRate) (i32.const 16))))
    (if (global.get $leastSquares) (then (call $learnOls (local.get $target)))))

  ;; Completes the prepared sample without coding its bits (training counts): the LMS and
  ;; least-squares predictors learn `value`, and it takes its place in its row and the error
  ;; rows. Call after prepareSample, instead of the sample's startSample and update calls.
  (func (export "learnValue") (param $value i32)
    (global.set $known (local.get $value))
    (call $learnSample)
    (call $completeSample (local.get $value)))

  ;; ---- the least-squares predictor (docs/v2-stream.md §3.2; with $leastSquares) ----------
  ;; Predicts the sample from the taps (the LMS inputs, then eight more distant neighbours, all
  ;; mean-removed): (Σ w·x + 2^15) >> 16, clamped to ±2^20.
  (func $olsPrediction (result i32)
    (local $j i32) (local $x v128) (local $sum v128) (local $p i64)
    (loop $taps
      (local.set $x (v128.load offset=${LMS_INPUTS_AT} (i32.shl (local.get $j) (i32.const 2))))
      (local.set $sum (i64x2.add (local.get $sum) (i64x2.add
        (i64x2.mul (i64x2.extend_low_i32x4_s (local.get $x))
          (v128.load offset=${OLS_WEIGHTS_AT} (i32.shl (local.get $j) (i32.const 3))))
        (i64x2.mul (i64x2.extend_high_i32x4_s (local.get $x))
          (v128.load offset=${OLS_WEIGHTS_AT + 16} (i32.shl (local.get $j) (i32.const 3)))))))
      (br_if $taps (i32.lt_u
        (local.tee $j (i32.add (local.get $j) (i32.const 4)))
        (i32.const ${OLS_TAPS}))))
    (local.set $p (i64.shr_s
      (i64.add (call $lanes64 (local.get $sum)) (i64.const 32768))
      (i64.const 16)))
    (i32.wrap_i64 (select (i64.const 1048576)
      (select (i64.const -1048576) (local.get $p) (i64.lt_s (local.get $p) (i64.const -1048576)))
      (i64.gt_s (local.get $p) (i64.const 1048576)))))

  (func $lanes64 (param $v v128) (result i64)
    (i64.add (i64x2.extract_lane 0 (local.get $v)) (i64x2.extract_lane 1 (local.get $v))))

  ;; S ← S − ((S + OLS_FORGET_HALF) >> OLS_FORGET_SHIFT) + term, for the two i64 sums at `at`
  ;; (rounding, not flooring, keeps the sums of products positive semi-definite enough for the
  ;; sweep to converge)
  (func $forgetAndAdd (param $at i32) (param $term v128)
    (local $sums v128)
    (local.set $sums (v128.load (local.get $at)))
    (v128.store (local.get $at) (i64x2.add
      (i64x2.sub (local.get $sums) (i64x2.shr_s
        (i64x2.add (local.get $sums) (i64x2.splat (i64.const ${OLS_FORGET_HALF})))
        (i32.const ${OLS_FORGET_SHIFT})))
      (local.get $term))))

  ;; The least-squares predictor learns that the sample is `target` (mean-removed): the sums
  ;; P_ij of x_i·x_j·2^OLS_SCALE and T_i of x_i·target·2^OLS_SCALE forget and add this sample
  ;; ($forgetAndAdd), then one Gauss–Seidel sweep, i = 0…OLS_TAPS − 1, moves the weights towards
  ;; the solution of (P + ridge·I)·w = 2^16·T:
  ;; w_i += (2^16·T_i − Σ_j P_ij·w_j − ridge·w_i) / (P_ii + ridge), truncated, clamped to
  ;; ±OLS_MAX_WEIGHT. P_ii ≥ 0, so the division never traps.
  (func $learnOls (param $target i32)
    (local $i i32) (local $j i32) (local $row i32) (local $at i32) (local $xi v128)
    (local $sums v128) (local $w i64) (local $t i64) (local $target_i i64)
    (local.set $t (i64.extend_i32_s (local.get $target)))
    (loop $rows
      (local.set $at (i32.shl (local.get $i) (i32.const 3)))
      (local.set $xi (i32x4.splat
        (i32.load offset=${LMS_INPUTS_AT} (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $row (i32.add (i32.const ${OLS_PRODUCTS_AT})
        (i32.mul (local.get $i) (i32.const ${OLS_ROW_BYTES}))))
      (local.set $j (i32.const 0))
      (loop $columns
        ;; four products x_i·x_j·2^OLS_SCALE: below 2^30 in magnitude, as |x| < 2^12
        (local.set $sums (i32x4.shl
          (i32x4.mul (local.get $xi) (v128.load offset=${LMS_INPUTS_AT} (local.get $j)))
          (i32.const ${OLS_SCALE})))
        (call $forgetAndAdd (local.get $row) (i64x2.extend_low_i32x4_s (local.get $sums)))
        (call $forgetAndAdd (i32.add (local.get $row) (i32.const 16))
          (i64x2.extend_high_i32x4_s (local.get $sums)))
        (local.set $row (i32.add (local.get $row) (i32.const 32)))
        (br_if $columns (i32.lt_u
          (local.tee $j (i32.add (local.get $j) (i32.const 16)))
          (i32.const ${OLS_TAP_BYTES}))))
      (local.set $target_i (i64.load offset=${OLS_TARGETS_AT} (local.get $at)))
      (i64.store offset=${OLS_TARGETS_AT} (local.get $at) (i64.add
        (i64.sub (local.get $target_i) (i64.shr_s
          (i64.add (local.get $target_i) (i64.const ${OLS_FORGET_HALF}))
          (i64.const ${OLS_FORGET_SHIFT})))
        (i64.shl
          (i64.mul (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $xi))) (local.get $t))
          (i64.const ${OLS_SCALE}))))
      (br_if $rows (i32.lt_u
        (local.tee $i (i32.add (local.get $i) (i32.const 1)))
        (i32.const ${OLS_TAPS}))))
    (local.set $i (i32.const 0))
    (loop $weights
      (local.set $at (i32.shl (local.get $i) (i32.const 3)))
      (local.set $row (i32.add (i32.const ${OLS_PRODUCTS_AT})
        (i32.mul (local.get $i) (i32.const ${OLS_ROW_BYTES}))))
      (local.set $sums (i64x2.splat (i64.const 0)))
      (local.set $j (i32.const 0))
      (loop $columns
        (local.set $sums (i64x2.add (local.get $sums) (i64x2.mul
          (v128.load (i32.add (local.get $row) (local.get $j)))
          (v128.load offset=${OLS_WEIGHTS_AT} (local.get $j)))))
        (br_if $columns (i32.lt_u
          (local.tee $j (i32.add (local.get $j) (i32.const 16)))
          (i32.const ${OLS_ROW_BYTES}))))
      (local.set $w (i64.load offset=${OLS_WEIGHTS_AT} (local.get $at)))
      (local.set $w (i64.add (local.get $w) (i64.div_s
        (i64.sub
          (i64.sub
            (i64.shl (i64.load offset=${OLS_TARGETS_AT} (local.get $at)) (i64.const 16))
            (call $lanes64 (local.get $sums)))
          (i64.mul (local.get $w) (i64.const ${OLS_RIDGE})))
        (i64.add
          (i64.load (i32.add (local.get $row) (local.get $at)))
          (i64.const ${OLS_RIDGE})))))
      (i64.store offset=${OLS_WEIGHTS_AT} (local.get $at) (select (i64.const ${OLS_MAX_WEIGHT})
        (select (i64.const -${OLS_MAX_WEIGHT}) (local.get $w)
          (i64.lt_s (local.get $w) (i64.const -${OLS_MAX_WEIGHT})))
        (i64.gt_s (local.get $w) (i64.const ${OLS_MAX_WEIGHT}))))
      (br_if $weights (i32.lt_u
        (local.tee $i (i32.add (local.get $i) (i32.const 1)))
        (i32.const ${OLS_TAPS})))))

  ;; ---- the per-sample contexts (docs/v2-stream.md §3.2) -----------------------------------
  ;; The image bound to the kernel ($bindImage): its width, where its last rows lie ($rowAt; u16)
  ;; and its blocks of two error rows (i32, 2·width + 1 each: the rows by parity, then a
  ;; zero), |v − GAP|, |v − FAST|, then the signed errors of the tables with own error classes.
  (global $width (mut i32) (i32.const 0))
  (global $rowsAt (mut i32) (i32.const 0))
  (global $errorBlock (mut i32) (i32.const 0))
  (global $gapErrorsAt (mut i32) (i32.const 0))
  (global $lmsErrorsAt (mut i32) (i32.const 0))
  (global $tableErrorsAt (mut i32) (i32.const 0))
  (global $ownErrorClasses (mut i32) (i32.const 0))
  ;; The prepared sample: its column and row, GAP and FAST.
  (global $sampleX (mut i32) (i32.const 0))
  (global $sampleY (mut i32) (i32.const 0))
  (global $gapPrediction (mut i32) (i32.const 0))
  (global $fastPrediction (mut i32) (i32.const 0))
  ;; Where, in a block of error rows, the errors of W, N, NW, NE, WW and NEE are (their indices).
  (global $atW (mut i32) (i32.const 0))
  (global $atN (mut i32) (i32.const 0))
  (global $atNW (mut i32) (i32.const 0))
  (global $atNE (mut i32) (i32.const 0))
  (global $atWW (mut i32) (i32.const 0))
  (global $atNEE (mut i32) (i32.const 0))

  ;; Binds an image `width` samples wide whose last rows start at byte `rowsAt` and whose
  ;; error blocks start at `errorsAt` (zeroed here); `own`: whether tables have own error classes.
  (func (export "bindImage") (param $width i32) (param $rowsAt i32) (param $errorsAt i32)
    (param $own i32)
    (global.set $width (local.get $width))
    (global.set $rowsAt (local.get $rowsAt))
    (global.set $errorBlock (i32.add (i32.shl (local.get $width) (i32.const 1)) (i32.const 1)))
    (global.set $gapErrorsAt (local.get $errorsAt))
    (global.set $lmsErrorsAt (i32.add (local.get $errorsAt)
      (i32.shl (global.get $errorBlock) (i32.const 2))))
    (global.set $tableErrorsAt (i32.add (global.get $lmsErrorsAt)
      (i32.shl (global.get $errorBlock) (i32.const 2))))
    (global.set $ownErrorClasses (local.get $own))
    (memory.fill (local.get $errorsAt) (i32.const 0)
      (i32.mul (global.get $errorBlock) (i32.const ${ERROR_ENTRY_BYTES}))))

  ;; Where row `y` of the image is kept: the kernel keeps the image's last rows (ROWS_KEPT of
  ;; them, kernel_layout.ts), row y at place y mod ROWS_KEPT.
  (func $rowAt (param $y i32) (result i32)
    (i32.add (global.get $rowsAt) (i32.shl
      (i32.mul (i32.and (local.get $y) (i32.const ${ROWS_KEPT - 1})) (global.get $width))
      (i32.const 1))))

  ;; The sample at column `x` of the row kept at `row`
  (func $sampleAt (param $row i32) (param $x i32) (result i32)
    (i32.load16_u (i32.add (local.get $row) (i32.shl (local.get $x) (i32.const 1)))))

  (func $abs (param $v i32) (result i32)
    (select (i32.sub (i32.const 0) (local.get $v)) (local.get $v)
      (i32.lt_s (local.get $v) (i32.const 0))))

  ;; clamp(v, 0, 2^bits − 1)
  (func $clampSample (param $v i32) (result i32)
    (local $max i32)
    (local.set $max (i32.sub (i32.shl (i32.const 1) (global.get $bits)) (i32.const 1)))
    (select (i32.const 0)
      (select (local.get $max) (local.get $v) (i32.gt_s (local.get $v) (local.get $max)))
      (i32.lt_s (local.get $v) (i32.const 0))))

  ;; `v` at the 8-bit scale (v >> (bits − 8), or v << (8 − bits))
  (func $toEightBits (param $v i32) (result i32)
    (if (result i32) (i32.ge_s (global.get $bits) (i32.const 8))
      (then (i32.shr_s (local.get $v) (i32.sub (global.get $bits) (i32.const 8))))
      (else (i32.shl (local.get $v) (i32.sub (i32.const 8) (global.get $bits))))))

  ;; logBucket(v) for v ≥ 0: v below 4, else two buckets an octave, at most 31
  (func $logBucket (param $v i32) (result i32)
    (local $log i32)
    (if (i32.lt_s (local.get $v) (i32.const 4)) (then (return (local.get $v))))
    (local.set $log (i32.sub (i32.const 31) (i32.clz (local.get $v))))
    (select (i32.const 31)
      (i32.add (i32.shl (local.get $log) (i32.const 1))
        (i32.and (i32.shr_u (local.get $v) (i32.sub (local.get $log) (i32.const 1)))
          (i32.const 1)))
      (i32.gt_s (local.get $log) (i32.const 15))))

  ;; The context class (0…15) of a magnitude: logBucket of it at the 8-bit scale, at most 15.
  (func $magnitudeClass (param $v i32) (result i32)
    (local $bucket i32)
    (local.set $bucket (call $logBucket (call $toEightBits (local.get $v))))
    (select (i32.const ${CLASS_MAX}) (local.get $bucket)
      (i32.gt_s (local.get $bucket) (i32.const ${CLASS_MAX}))))

  (func $errorOf (param $block i32) (param $at i32) (result i32)
    (i32.load (i32.add (local.get $block) (i32.shl (local.get $at) (i32.const 2)))))

  ;; |eW| + |eN| + (|eNW| + |eNE| + |eWW| + |eNEE|) / 2 of the error block at `block`
  (func $nearbyErrors (param $block i32) (result i32)
    (i32.add
      (i32.add
        (call $abs (call $errorOf (local.get $block) (global.get $atW)))
        (call $abs (call $errorOf (local.get $block) (global.get $atN))))
      (i32.shr_s
        (i32.add
          (i32.add
            (call $abs (call $errorOf (local.get $block) (global.get $atNW)))
            (call $abs (call $errorOf (local.get $block) (global.get $atNE))))
          (i32.add
            (call $abs (call $errorOf (local.get $block) (global.get $atWW)))
            (call $abs (call $errorOf (local.get $block) (global.get $atNEE)))))
        (i32.const 1))))

  ;; The own error class of a table from its block of signed errors: the magnitude class of
  ;; their nearby sum, its lowest bit replaced by whether 2(eW + eN) + eNW + eNE > 0.
  (func $ownErrorClass (param $block i32) (result i32)
    (i32.or
      (i32.and (call $magnitudeClass (call $nearbyErrors (local.get $block))) (i32.const -2))
      (i32.gt_s
        (i32.add
          (i32.shl
            (i32.add
              (call $errorOf (local.get $block) (global.get $atW))
              (call $errorOf (local.get $block) (global.get $atN)))
            (i32.const 1))
          (i32.add
            (call $errorOf (local.get $block) (global.get $atNW))
            (call $errorOf (local.get $block) (global.get $atNE))))
        (i32.const 0))))

  ;; Where the neighbours' errors of the sample at (x, y) are in a block (§3.2's fallbacks: the
  ;; position of another neighbour, or the block's zero after its rows).
  (func $locateErrors (param $x i32) (param $y i32)
    (local $cur i32) (local $prev i32) (local $up i32)
    (local.set $cur (i32.mul (i32.and (local.get $y) (i32.const 1)) (global.get $width)))
    (local.set $prev (i32.sub (global.get $width) (local.get $cur)))
    (local.set $up (i32.gt_s (local.get $y) (i32.const 0)))
    (global.set $atW (select
      (i32.sub (i32.add (local.get $cur) (local.get $x)) (i32.const 1))
      (i32.sub (global.get $errorBlock) (i32.const 1))
      (i32.gt_s (local.get $x) (i32.const 0))))
    (global.set $atN (select (i32.add (local.get $prev) (local.get $x)) (global.get $atW)
      (local.get $up)))
    (global.set $atNE (select
      (i32.add (i32.add (local.get $prev) (local.get $x)) (i32.const 1))
      (global.get $atN)
      (i32.and (local.get $up)
        (i32.lt_s (i32.add (local.get $x) (i32.const 1)) (global.get $width)))))
    (global.set $atNW (select
      (i32.sub (i32.add (local.get $prev) (local.get $x)) (i32.const 1))
      (global.get $atN)
      (i32.and (local.get $up) (i32.gt_s (local.get $x) (i32.const 0)))))
    (global.set $atWW (select
      (i32.sub (i32.add (local.get $cur) (local.get $x)) (i32.const 2))
      (global.get $atW)
      (i32.gt_s (local.get $x) (i32.const 1))))
    (global.set $atNEE (select
      (i32.add (i32.add (local.get $prev) (local.get $x)) (i32.const 2))
      (global.get $atNE)
      (i32.and (local.get $up)
        (i32.lt_s (i32.add (local.get $x) (i32.const 2)) (global.get $width))))))

  ;; CALIC's gradient-adjusted prediction from the neighbours, its thresholds (8, 32, 80) at the
  ;; 8-bit scale
  (func $gradientAdjusted (result i32)
    (local $w i32) (local $n i32) (local $nw i32) (local $ne i32) (local $ww i32) (local $nn i32)
    (local $nne i32)
    (local $diff i32) (local $t i32)
    (local.set $w (call $neighbour (i32.const 0)))
    (local.set $n (call $neighbour (i32.const 1)))
    (local.set $nw (call $neighbour (i32.const 2)))
    (local.set $ne (call $neighbour (i32.const 3)))
    (local.set $ww (call $neighbour (i32.const 4)))
    (local.set $nn (call $neighbour (i32.const 5)))
    (local.set $nne (call $neighbour (i32.const 6)))
    (local.set $diff (call $toEightBits (i32.sub
      (i32.add (i32.add
        (call $abs (i32.sub (local.get $w) (local.get $nw)))
        (call $abs (i32.sub (local.get $n) (local.get $nn))))
        (call $abs (i32.sub (local.get $ne) (local.get $nne))))
      (i32.add (i32.add
        (call $abs (i32.sub (local.get $w) (local.get $ww)))
        (call $abs (i32.sub (local.get $n) (local.get $nw))))
        (call $abs (i32.sub (local.get $n) (local.get $ne)))))))
    (if (i32.gt_s (local.get $diff) (i32.const 80)) (then (return (local.get $w))))
    (if (i32.lt_s (local.get $diff) (i32.const -80)) (then (return (local.get $n))))
    (local.set $t (i32.shr_s
      (i32.sub
        (i32.add (i32.shl (i32.add (local.get $w) (local.get $n)) (i32.const 1)) (local.get $ne))
        (local.get $nw))
      (i32.const 2)))
    (if (i32.gt_s (local.get $diff) (i32.const 32))
      (then (return (i32.shr_s (i32.add (local.get $t) (local.get $w)) (i32.const 1)))))
    (if (i32.gt_s (local.get $diff) (i32.const 8))
      (then (return (i32.shr_s
        (i32.add (i32.mul (local.get $t) (i32.const 3)) (local.get $w)) (i32.const 2)))))
    (if (i32.lt_s (local.get $diff) (i32.const -32))
      (then (return (i32.shr_s (i32.add (local.get $t) (local.get $n)) (i32.const 1)))))
    (if (i32.lt_s (local.get $diff) (i32.const -8))
      (then (return (i32.shr_s
        (i32.add (i32.mul (local.get $t) (i32.const 3)) (local.get $n)) (i32.const 2)))))
    (local.get $t))

  ;; The median edge predictor of LOCO-I.
  (func $medianEdge (param $w i32) (param $n i32) (param $nw i32) (result i32)
    (local $lo i32) (local $hi i32)
    (local.set $lo (select (local.get $w) (local.get $n) (i32.lt_s (local.get $w) (local.get $n))))
    (local.set $hi (select (local.get $n) (local.get $w) (i32.lt_s (local.get $w) (local.get $n))))
    (if (i32.ge_s (local.get $nw) (local.get $hi)) (then (return (local.get $lo))))
    (if (i32.le_s (local.get $nw) (local.get $lo)) (then (return (local.get $hi))))
    (i32.sub (i32.add (local.get $w) (local.get $n)) (local.get $nw)))

  ;; 2, 1 or 0 for a positive, zero or negative difference
  (func $sign3 (param $d i32) (result i32)
    (i32.add (i32.gt_s (local.get $d) (i32.const 0)) (i32.ge_s (local.get $d) (i32.const 0))))

  ;; One step of the context hash: x ^ (x >>> 15) with x = (h ^ value) · 0x9E3779B1.
  (func $hashStep (param $h i32) (param $value i32) (result i32)
    (local $x i32)
    (local.set $x (i32.mul (i32.xor (local.get $h) (local.get $value)) (i32.const 0x9e3779b1)))
    (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 15))))

  ;; Stores LMS input k: (v >> lmsShift) − mean.
  (func $lmsInput (param $k i32) (param $v i32) (param $mean i32)
    (i32.store offset=${LMS_INPUTS_AT} (i32.shl (local.get $k) (i32.const 2))
      (i32.sub (i32.shr_s (local.get $v) (global.get $lmsShift)) (local.get $mean))))

  (func $setDirect (param $j i32) (param $prediction i32) (param $class i32)
    (i32.store offset=${PREDICTIONS_AT} (i32.shl (local.get $j) (i32.const 2)) (local.get $prediction))
    (i32.store offset=${CLASSES_AT} (i32.shl (local.get $j) (i32.const 2)) (local.get $class)))

  ;; The neighbours of the sample at column `x`, row `y` (§3.2's fallbacks outside the image), at
  ;; NEIGHBOURS_AT: W, N, NW, NE, WW, NN, NNE, NWW, NEE, NNW.
  (func $loadNeighbours (param $x i32) (param $y i32)
    (local $width i32) (local $w i32) (local $n i32) (local $nw i32) (local $ne i32)
    (local $row i32) (local $above i32) (local $twoAbove i32)
    (local.set $width (global.get $width))
    (local.set $row (call $rowAt (local.get $y)))
    (if (i32.eqz (local.get $y))
      (then
        (local.set $w (select
          (call $sampleAt (local.get $row) (i32.sub (local.get $x) (i32.const 1)))
          (i32.shl (i32.const 1) (i32.sub (global.get $bits) (i32.const 1)))
          (i32.gt_s (local.get $x) (i32.const 0))))
        ;; every neighbour W, but WW
        (v128.store offset=${NEIGHBOURS_AT} (i32.const 0) (i32x4.splat (local.get $w)))
        (v128.store offset=${NEIGHBOURS_AT + 16} (i32.const 0) (i32x4.splat (local.get $w)))
        (i32.store offset=${NEIGHBOURS_AT + 32} (i32.const 0) (local.get $w))
        (i32.store offset=${NEIGHBOURS_AT + 36} (i32.const 0) (local.get $w))
        (i32.store offset=${NEIGHBOURS_AT + 16} (i32.const 0)
          (select (call $sampleAt (local.get $row) (i32.sub (local.get $x) (i32.const 2)))
            (local.get $w) (i32.gt_s (local.get $x) (i32.const 1))))
        (return)))
    (local.set $above (call $rowAt (i32.sub (local.get $y) (i32.const 1))))
    (local.set $twoAbove (call $rowAt (i32.sub (local.get $y) (i32.const 2))))
    (local.set $n (call $sampleAt (local.get $above) (local.get $x)))
    (local.set $w (select (call $sampleAt (local.get $row) (i32.sub (local.get $x) (i32.const 1)))
      (local.get $n) (i32.gt_s (local.get $x) (i32.const 0))))
    (local.set $nw (select (call $sampleAt (local.get $above) (i32.sub (local.get $x) (i32.const 1)))
      (local.get $n) (i32.gt_s (local.get $x) (i32.const 0))))
    (local.set $ne (select (call $sampleAt (local.get $above) (i32.add (local.get $x) (i32.const 1)))
      (local.get $n) (i32.lt_s (i32.add (local.get $x) (i32.const 1)) (local.get $width))))
    (i32.store offset=${NEIGHBOURS_AT} (i32.const 0) (local.get $w))
    (i32.store offset=${NEIGHBOURS_AT + 4} (i32.const 0) (local.get $n))
    (i32.store offset=${NEIGHBOURS_AT + 8} (i32.const 0) (local.get $nw))
    (i32.store offset=${NEIGHBOURS_AT + 12} (i32.const 0) (local.get $ne))
    (i32.store offset=${NEIGHBOURS_AT + 16} (i32.const 0)
      (select (call $sampleAt (local.get $row) (i32.sub (local.get $x) (i32.const 2)))
        (local.get $w) (i32.gt_s (local.get $x) (i32.const 1))))
    (i32.store offset=${NEIGHBOURS_AT + 20} (i32.const 0)
      (select (call $sampleAt (local.get $twoAbove) (local.get $x))
        (local.get $n) (i32.gt_s (local.get $y) (i32.const 1))))
    (i32.store offset=${NEIGHBOURS_AT + 24} (i32.const 0)
      (select (call $sampleAt (local.get $twoAbove) (i32.add (local.get $x) (i32.const 1)))
        (local.get $ne)
        (i32.and (i32.gt_s (local.get $y) (i32.const 1))
          (i32.lt_s (i32.add (local.get $x) (i32.const 1)) (local.get $width)))))
    (i32.store offset=${NEIGHBOURS_AT + 28} (i32.const 0)
      (select (call $sampleAt (local.get $above) (i32.sub (local.get $x) (i32.const 2)))
        (local.get $nw) (i32.gt_s (local.get $x) (i32.const 1))))
    (i32.store offset=${NEIGHBOURS_AT + 32} (i32.const 0)
      (select (call $sampleAt (local.get $above) (i32.add (local.get $x) (i32.const 2)))
        (local.get $ne) (i32.lt_s (i32.add (local.get $x) (i32.const 2)) (local.get $width))))
    (i32.store offset=${NEIGHBOURS_AT + 36} (i32.const 0)
      (select (call $sampleAt (local.get $twoAbove) (i32.sub (local.get $x) (i32.const 1)))
        (local.get $nw)
        (i32.and (i32.gt_s (local.get $y) (i32.const 1)) (i32.gt_s (local.get $x) (i32.const 0))))))

  ;; Neighbour k (0 W, 1 N, 2 NW, 3 NE, 4 WW, 5 NN, 6 NNE, 7 NWW, 8 NEE, 9 NNW)
  (func $neighbour (param $k i32) (result i32)
    (i32.load offset=${NEIGHBOURS_AT} (i32.shl (local.get $k) (i32.const 2))))

  ;; The LMS inputs (the ten neighbours, GAP and MED, minus the mean of W, N, NW, NE; all of
  ;; them shifted to 12 bits), their mean and both LMS predictions; returns FAST.
  (func $predictLmsPair (param $gap i32) (param $med i32) (result i32)
    (local $ls i32) (local $mean i32) (local $k i32)
    (local.set $ls (global.get $lmsShift))
    (local.set $mean (i32.shr_s
      (i32.add
        (i32.add
          (i32.add
            (i32.shr_s (call $neighbour (i32.const 0)) (local.get $ls))
            (i32.shr_s (call $neighbour (i32.const 1)) (local.get $ls)))
          (i32.add
            (i32.shr_s (call $neighbour (i32.const 2)) (local.get $ls))
            (i32.shr_s (call $neighbour (i32.const 3)) (local.get $ls))))
        (i32.const 2))
      (i32.const 2)))
    (loop $inputs
      (call $lmsInput (local.get $k) (call $neighbour (local.get $k)) (local.get $mean))
      (br_if $inputs (i32.lt_u
        (local.tee $k (i32.add (local.get $k) (i32.const 1)))
        (i32.const 10))))
    (call $lmsInput (i32.const 10) (local.get $gap) (local.get $mean))
    (call $lmsInput (i32.const 11) (local.get $med) (local.get $mean))
    (i32.store offset=${LMS_STATE_AT} (i32.const 0) (local.get $mean))
    (global.set $fastLms (call $predictLms (i32.const ${FAST_LMS_WEIGHTS_AT})))
    (global.set $slowLms (call $predictLms (i32.const ${SLOW_LMS_WEIGHTS_AT})))
    (call $clampSample
      (i32.shl (i32.add (local.get $mean) (global.get $fastLms)) (local.get $ls))))

  ;; The prediction of tables 1 and 8 besides FAST: the least-squares one (its eight further
  ;; taps all W outside the image's interior), or without it SLOW.
  (func $predictTables1And8 (param $x i32) (param $y i32) (result i32)
    (local $ls i32) (local $mean i32) (local $width i32) (local $k i32)
    (local $row i32) (local $above i32) (local $twoAbove i32) (local $threeAbove i32)
    (local.set $ls (global.get $lmsShift))
    (local.set $mean (i32.load offset=${LMS_STATE_AT} (i32.const 0)))
    (if (i32.eqz (global.get $leastSquares)) (then
      (return (call $clampSample
        (i32.shl (i32.add (local.get $mean) (global.get $slowLms)) (local.get $ls))))))
    (local.set $width (global.get $width))
    (if (i32.and
        (i32.and (i32.ge_s (local.get $y) (i32.const 3)) (i32.ge_s (local.get $x) (i32.const 3)))
        (i32.lt_s (i32.add (local.get $x) (i32.const 3)) (local.get $width)))
      (then
        (local.set $row (call $rowAt (local.get $y)))
        (local.set $above (call $rowAt (i32.sub (local.get $y) (i32.const 1))))
        (local.set $twoAbove (call $rowAt (i32.sub (local.get $y) (i32.const 2))))
        (local.set $threeAbove (call $rowAt (i32.sub (local.get $y) (i32.const 3))))
        (call $lmsInput (i32.const 12)
          (call $sampleAt (local.get $row) (i32.sub (local.get $x) (i32.const 3))) (local.get $mean))
        (call $lmsInput (i32.const 13)
          (call $sampleAt (local.get $threeAbove) (local.get $x)) (local.get $mean))
        (call $lmsInput (i32.const 14)
          (call $sampleAt (local.get $twoAbove) (i32.sub (local.get $x) (i32.const 2)))
          (local.get $mean))
        (call $lmsInput (i32.const 15)
          (call $sampleAt (local.get $twoAbove) (i32.add (local.get $x) (i32.const 2)))
          (local.get $mean))
        (call $lmsInput (i32.const 16)
          (call $sampleAt (local.get $threeAbove) (i32.sub (local.get $x) (i32.const 1)))
          (local.get $mean))
        (call $lmsInput (i32.const 17)
          (call $sampleAt (local.get $threeAbove) (i32.add (local.get $x) (i32.const 1)))
          (local.get $mean))
        (call $lmsInput (i32.const 18)
          (call $sampleAt (local.get $above) (i32.add (local.get $x) (i32.const 3)))
          (local.get $mean))
        (call $lmsInput (i32.const 19)
          (call $sampleAt (local.get $above) (i32.sub (local.get $x) (i32.const 3)))
          (local.get $mean)))
      (else
        (local.set $k (i32.const 12))
        (loop $fill
          (i32.store offset=${LMS_INPUTS_AT} (i32.shl (local.get $k) (i32.const 2))
            (i32.load offset=${LMS_INPUTS_AT} (i32.const 0)))
          (br_if $fill (i32.lt_u
            (local.tee $k (i32.add (local.get $k) (i32.const 1)))
            (i32.const ${OLS_TAPS}))))))
    (call $clampSample (i32.shl (i32.add (local.get $mean) (call $olsPrediction)) (local.get $ls))))

  ;; The direct tables' predictions and classes, from the neighbours, GAP, FAST and tables 1 and
  ;; 8's prediction; returns the error class (of |v − GAP|).
  (func $setDirectTables (param $gap i32) (param $fast i32) (param $other i32) (result i32)
    (local $w i32) (local $n i32) (local $nw i32) (local $ne i32)
    (local $errorClass i32) (local $lmsErrorClass i32) (local $block i32) (local $k i32)
    (local.set $w (call $neighbour (i32.const 0)))
    (local.set $n (call $neighbour (i32.const 1)))
    (local.set $nw (call $neighbour (i32.const 2)))
    (local.set $ne (call $neighbour (i32.const 3)))
    (local.set $errorClass (call $magnitudeClass (call $nearbyErrors (global.get $gapErrorsAt))))
    (local.set $lmsErrorClass (call $magnitudeClass (call $nearbyErrors (global.get $lmsErrorsAt))))
    (call $setDirect (i32.const 0) (local.get $fast) (local.get $lmsErrorClass))
    (call $setDirect (i32.const 1)
      (select (local.get $other) (local.get $fast) (global.get $leastSquares))
      ;; the activity class
      (call $magnitudeClass (i32.add
        (i32.add
          (call $abs (i32.sub (local.get $w) (local.get $nw)))
          (call $abs (i32.sub (local.get $n) (local.get $nw))))
        (i32.add
          (call $abs (i32.sub (local.get $n) (local.get $ne)))
          (i32.shr_s (call $abs (i32.sub (local.get $w) (call $neighbour (i32.const 4))))
            (i32.const 1))))))
    (call $setDirect (i32.const 2) (local.get $fast)
      ;; the texture: which of W, N, NW, NE are above FAST
      (i32.or
        (i32.or
          (i32.gt_s (local.get $w) (local.get $fast))
          (i32.shl (i32.gt_s (local.get $n) (local.get $fast)) (i32.const 1)))
        (i32.or
          (i32.shl (i32.gt_s (local.get $nw) (local.get $fast)) (i32.const 2))
          (i32.shl (i32.gt_s (local.get $ne) (local.get $fast)) (i32.const 3)))))
    (call $setDirect (i32.const 3) (call $clampSample
      (i32.sub (i32.add (local.get $w) (local.get $n)) (local.get $nw))) (local.get $errorClass))
    (call $setDirect (i32.const 4) (call $clampSample (i32.sub
      (i32.add (local.get $n) (local.get $ne)) (call $neighbour (i32.const 6))))
      (local.get $errorClass))
    (call $setDirect (i32.const 5) (call $clampSample (i32.sub
      (i32.shl (local.get $w) (i32.const 1)) (call $neighbour (i32.const 4))))
      (local.get $errorClass))
    (call $setDirect (i32.const 6) (call $clampSample
      (i32.sub (i32.add (local.get $w) (local.get $ne)) (local.get $n))) (local.get $errorClass))
    (call $setDirect (i32.const 7) (call $clampSample (i32.sub
      (i32.shl (local.get $n) (i32.const 1)) (call $neighbour (i32.const 5))))
      (local.get $errorClass))
    (call $setDirect (i32.const 8) (local.get $other) (local.get $lmsErrorClass))
    (if (global.get $ownErrorClasses) (then
      (local.set $block (global.get $tableErrorsAt))
      (local.set $k (i32.const ${FIRST_OWN_CLASS_TABLE}))
      (loop $tables
        (i32.store offset=${CLASSES_AT} (i32.shl (local.get $k) (i32.const 2))
          (call $ownErrorClass (local.get $block)))
        (local.set $block (i32.add (local.get $block) (i32.shl (global.get $errorBlock) (i32.const 2))))
        (br_if $tables (i32.lt_u
          (local.tee $k (i32.add (local.get $k) (i32.const 1)))
          (i32.const ${OWN_CLASS_TABLES_END}))))))
    (local.get $errorClass))

  ;; `h` mixed with each of neighbours `from`…`to` (inclusive, in the order of NEIGHBOURS_AT)
  ;; shifted right by `shift`
  (func $hashNeighbours (param $h i32) (param $from i32) (param $to i32) (param $shift i32)
    (result i32)
    (loop $next
      (local.set $h (call $hashStep (local.get $h)
        (i32.shr_s (call $neighbour (local.get $from)) (local.get $shift))))
      (br_if $next (i32.le_u
        (local.tee $from (i32.add (local.get $from) (i32.const 1)))
        (local.get $to))))
    (local.get $h))

  ;; `h` mixed with neighbours `a`, `b` and `c` shifted right by `shift`
  (func $hashThree (param $h i32) (param $a i32) (param $b i32) (param $c i32) (param $shift i32)
    (result i32)
    (call $hashStep
      (call $hashStep
        (call $hashStep (local.get $h) (i32.shr_s (call $neighbour (local.get $a)) (local.get $shift)))
        (i32.shr_s (call $neighbour (local.get $b)) (local.get $shift)))
      (i32.shr_s (call $neighbour (local.get $c)) (local.get $shift))))

  ;; The hashed contexts the kernel looks up (HASH_CHOICE_AT), at HASHES_AT in that order.
  (func $setHashes (param $grad i32) (param $med i32) (param $gap i32) (param $errorClass i32)
    (local $k i32)
    (loop $looked
      (i32.store offset=${HASHES_AT} (local.get $k) (call $contextHash
        (i32.load offset=${HASH_CHOICE_AT} (local.get $k))
        (local.get $grad) (local.get $med) (local.get $gap) (local.get $errorClass)))
      (br_if $looked (i32.lt_u
        (local.tee $k (i32.add (local.get $k) (i32.const 4)))
        (i32.shl (global.get $hashedInputs) (i32.const 2))))))

  ;; Hashed context `c` (0…9) of the prepared sample.
  (func $contextHash (param $c i32) (param $grad i32) (param $med i32) (param $gap i32)
    (param $errorClass i32) (result i32)
    (local $shift i32) (local $top i32)
    (local.set $shift (select (i32.sub (global.get $bits) (i32.const 10)) (i32.const 0)
      (i32.gt_s (global.get $bits) (i32.const 10))))
    ;; contexts 8 and 9 see the top 6 bits of a deeper sample (all of an 8-bit one)
    (local.set $top (select (i32.sub (global.get $bits) (i32.const 6)) (i32.const 0)
      (i32.gt_s (global.get $bits) (i32.const 8))))
    (block $c9 (block $c8 (block $c7 (block $c6 (block $c5 (block $c4 (block $c3 (block $c2
      (block $c1 (block $c0
        (br_table $c0 $c1 $c2 $c3 $c4 $c5 $c6 $c7 $c8 $c9 (local.get $c)))
        (return (call $hashStep
          (call $hashStep
            (call $hashStep (i32.const 6) (i32.shr_s (local.get $grad) (local.get $shift)))
            (call $differenceBucket
              (i32.sub (call $neighbour (i32.const 1)) (call $neighbour (i32.const 2)))))
          (call $differenceBucket
            (i32.sub (call $neighbour (i32.const 0)) (call $neighbour (i32.const 2)))))))
      (return (call $hashNeighbours (i32.const 4) (i32.const 0) (i32.const 6) (local.get $shift))))
      (return (call $hashStep
        (call $hashStep (i32.const 4) (i32.shr_s (local.get $med) (local.get $shift)))
        (local.get $errorClass))))
      (return (call $hashNeighbours (i32.const 1) (i32.const 0) (i32.const 1) (local.get $shift))))
      (return (call $hashStep
        (call $hashStep (i32.const 3) (i32.shr_s (local.get $gap) (local.get $shift)))
        (i32.load offset=${CLASSES_AT + 4} (i32.const 0)))))
      (return (call $hashThree (i32.const 2) (i32.const 1) (i32.const 3) (i32.const 2)
        (local.get $shift))))
      (return (call $hashThree (i32.const 7) (i32.const 0) (i32.const 2) (i32.const 4)
        (local.get $shift))))
      (return (call $hashThree (i32.const 8) (i32.const 1) (i32.const 5) (i32.const 6)
        (local.get $shift))))
      (return (call $hashNeighbours (i32.const 9) (i32.const 0) (i32.const 9) (local.get $top))))
    (call $hashStep
      (call $hashThree (i32.const 10) (i32.const 1) (i32.const 3) (i32.const 8) (local.get $top))
      (i32.shr_s (call $neighbour (i32.const 6)) (local.get $top))))

  ;; The gradient shape, and with phase sets the pixel's phases.
  (func $setShapeAndPhases (param $x i32) (param $y i32)
    (local $w i32) (local $n i32)
    (local.set $w (call $neighbour (i32.const 0)))
    (local.set $n (call $neighbour (i32.const 1)))
    (i32.store offset=${SHAPE_AT} (i32.const 0) (i32.add
      (i32.add
        (i32.add
          (call $sign3 (i32.sub (local.get $w) (call $neighbour (i32.const 2))))
          (i32.mul (call $sign3 (i32.sub (local.get $n) (call $neighbour (i32.const 2))))
            (i32.const 3)))
        (i32.mul (call $sign3 (i32.sub (local.get $n) (call $neighbour (i32.const 3))))
          (i32.const 9)))
      (i32.add
        (i32.mul (call $sign3 (i32.sub (local.get $w) (call $neighbour (i32.const 4))))
          (i32.const 27))
        (i32.mul (call $sign3 (i32.sub (local.get $n) (call $neighbour (i32.const 5))))
          (i32.const 81)))))
    (if (global.get $phaseSets) (then
      (i32.store offset=${PHASES_AT} (i32.const 0) (i32.or
        (i32.and (local.get $x) (i32.const ${ERROR_SET_PHASE_SIDE - 1}))
        (i32.mul (i32.and (local.get $y) (i32.const ${ERROR_SET_PHASE_SIDE - 1}))
          (i32.const ${ERROR_SET_PHASE_SIDE}))))
      (i32.store offset=${PHASES_AT + 4} (i32.const 0) (i32.or
        (i32.and (local.get $x) (i32.const ${TEXTURE_SET_PHASE_SIDE - 1}))
        (i32.mul (i32.and (local.get $y) (i32.const ${TEXTURE_SET_PHASE_SIDE - 1}))
          (i32.const ${TEXTURE_SET_PHASE_SIDE})))))))

  ;; Computes the contexts of the sample at column `x`, row `y` of the bound image (the samples
  ;; before it in its row and the rows above in place, $rowAt): the direct predictions and classes, the LMS inputs, the hashed
  ;; contexts looked up, the gradient shape and the phases.
  (func (export "prepareSample") (param $x i32) (param $y i32)
    (local $gap i32) (local $med i32) (local $fast i32) (local $errorClass i32)
    (call $loadNeighbours (local.get $x) (local.get $y))
    (call $locateErrors (local.get $x) (local.get $y))
    (local.set $gap (call $clampSample (call $gradientAdjusted)))
    (local.set $med (call $medianEdge (call $neighbour (i32.const 0)) (call $neighbour (i32.const 1))
      (call $neighbour (i32.const 2))))
    (local.set $fast (call $predictLmsPair (local.get $gap) (local.get $med)))
    (local.set $errorClass (call $setDirectTables (local.get $gap) (local.get $fast)
      (call $predictTables1And8 (local.get $x) (local.get $y))))
    (call $setHashes (i32.load offset=${PREDICTIONS_AT + 12} (i32.const 0)) (local.get $med)
      (local.get $gap) (local.get $errorClass))
    (call $setShapeAndPhases (local.get $x) (local.get $y))
    (global.set $sampleX (local.get $x))
    (global.set $sampleY (local.get $y))
    (global.set $gapPrediction (local.get $gap))
    (global.set $fastPrediction (local.get $fast)))

  ;; The prepared sample is `value`: it takes its place in its row, and its errors theirs in the
  ;; error rows (no image bound: nothing).
  (func $completeSample (param $value i32)
    (local $at i32) (local $block i32) (local $j i32)
    (if (i32.eqz (global.get $rowsAt)) (then (return)))
    (i32.store16 (i32.add (call $rowAt (global.get $sampleY)) (i32.shl (global.get $sampleX) (i32.const 1)))
      (local.get $value))
    (local.set $at (i32.shl
      (i32.add (i32.mul (i32.and (global.get $sampleY) (i32.const 1)) (global.get $width))
        (global.get $sampleX))
      (i32.const 2)))
    (i32.store (i32.add (global.get $gapErrorsAt) (local.get $at))
      (call $abs (i32.sub (local.get $value) (global.get $gapPrediction))))
    (i32.store (i32.add (global.get $lmsErrorsAt) (local.get $at))
      (call $abs (i32.sub (local.get $value) (global.get $fastPrediction))))
    (if (global.get $ownErrorClasses) (then
      (local.set $block (i32.add (global.get $tableErrorsAt) (local.get $at)))
      (local.set $j (i32.const ${FIRST_OWN_CLASS_TABLE}))
      (loop $tables
        (i32.store (local.get $block) (i32.sub (local.get $value)
          (i32.load offset=${PREDICTIONS_AT} (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $block (i32.add (local.get $block) (i32.shl (global.get $errorBlock) (i32.const 2))))
        (br_if $tables (i32.lt_u
          (local.tee $j (i32.add (local.get $j) (i32.const 1)))
          (i32.const ${OWN_CLASS_TABLES_END})))))))

  ;; ---- the bit model ----------------------------------------------------------------------
  ;; Locates the hashed slots (16 per context) of the next group of up to 4 bits, and their
  ;; buckets' checks.
  (func $startGroup
    (local $key i32) (local $j i32) (local $k i32)
    (local.set $key (i32.xor
      (i32.mul (i32.add (global.get $known) (i32.const 1)) (i32.const 0x2545f491))
      (i32.mul (i32.add (global.get $group) (i32.const 1)) (i32.const 0x6a09e667))))
    (loop $contexts
      (local.set $k (i32.mul
        (i32.xor (i32.load offset=${HASHES_AT} (local.get $j)) (local.get $key))
        (i32.const 0x85ebca6b)))
      (local.set $k (i32.mul
        (i32.xor (local.get $k) (i32.shr_u (local.get $k) (i32.const 13)))
        (i32.const 0xc2b2ae35)))
      (i32.store offset=${GROUP_BUCKETS_AT} (local.get $j) (i32.add
        (i32.const ${HASHED_FIRST_SLOT})
        (i32.shl (i32.shr_u (local.get $k) (global.get $hashShift)) (i32.const ${BUCKET_SHIFT}))))
      ;; The check: the hash's low 31 bits (never a fresh slot's value, whose top bit is set).
      (i32.store offset=${GROUP_CHECKS_AT} (local.get $j)
        (i32.and (local.get $k) (i32.const 0x7fffffff)))
      (br_if $contexts (i32.lt_u
        (local.tee $j (i32.add (local.get $j) (i32.const 4)))
        (i32.shl (global.get $hashedInputs) (i32.const 2)))))
    (global.set $groupResolved (i32.const 0))
    (global.set $node (i32.const 1)))

  ;; Starts the prepared sample; returns its first bit's probability.
  (func (export "startSample") (result i32)
    (global.set $b (i32.sub (global.get $bits) (i32.const 1)))
    (global.set $known (i32.const 0))
    (global.set $group (i32.const 0))
    (call $startGroup)
    (call $p (global.get $b) (i32.const 0) (i32.const 1)))

  ;; The probability (12 bits, 1…4095, or with $certainty 16 bits, 1…65535) that bit `b` of the
  ;; sample is 1, given the bits above it (`known`, in place) and `node` (1 followed by the
  ;; current group's bits so far).
  (func $p (param $b i32) (param $known i32) (param $node i32) (result i32)
    (local $middle i32) (local $sure i32) (local $errorContext i32)
    (local $position i32) (local $mixed i32) (local $byPosition i32) (local $byError i32)
    (local $topShift i32) (local $byValue i32)
    (local.set $middle (i32.add (local.get $known) (i32.shl (i32.const 1) (local.get $b))))
    (local.set $errorContext (i32.or
      (i32.shl (local.get $b) (i32.const ${DIRECT_CLASS_SHIFT}))
      (i32.load offset=${ERROR_CLASS_AT} (i32.const 0))))
    (call $lookUpDirect (i32.const 0) (i32.const ${SHORT_PATH_TABLES}) (local.get $b) (local.get $middle))
    (local.set $sure (i32.add
      (i32.load offset=${INPUTS_AT} (i32.const 0))
      (i32.load offset=${INPUTS_AT + 4} (i32.const 0))))
    (global.set $short (i32.or
      (i32.gt_s (local.get $sure) (global.get $shortPathThreshold))
      (i32.lt_s (local.get $sure) (i32.sub (i32.const 0) (global.get $shortPathThreshold)))))
    (if (global.get $short)
      (then
        (local.set $mixed (call $apm (global.get $apmError)
          (i32.add
            (i32.shr_u
              (i32.load (call $slotAddress (i32.load offset=${SLOT_INDEX_AT} (i32.const 0))))
              (i32.const 21))
            (i32.shr_u
              (i32.load (call $slotAddress (i32.load offset=${SLOT_INDEX_AT + 4} (i32.const 0))))
              (i32.const 21)))
          (local.get $errorContext)))
        (global.set $cellError (global.get $apmCell))
        (global.set $weightError (global.get $apmWeight))
        (return (call $refine (call $clampProbability (local.get $mixed)) (local.get $b)))))
    (call $lookUpDirect (i32.const ${SHORT_PATH_TABLES}) (i32.const ${DIRECT_INPUTS})
      (local.get $b) (local.get $middle))
    (call $lookUpHashed (local.get $node))
    (local.set $position (i32.or
      (i32.shl (local.get $b) (i32.const ${CLASS_SHIFT}))
      (call $differenceBucket
        (i32.sub (i32.load offset=${PREDICTIONS_AT} (i32.const 0)) (local.get $middle)))))
    ;; The error- and texture-selected sets also by the pixel's phases (0 without phase sets).
    (i32.store offset=${SELECTED_SET_AT} (i32.const 0) (i32.or
      (i32.shl (local.get $errorContext) (i32.const ${ERROR_SET_PHASE_SHIFT}))
      (i32.load offset=${PHASES_AT} (i32.const 0))))
    (i32.store offset=${SELECTED_SET_AT + 4} (i32.const 0) (local.get $position))
    (i32.store offset=${SELECTED_SET_AT + 8} (i32.const 0) (i32.or
      (i32.shl
        (i32.or
          (i32.shl (local.get $b) (i32.const ${DIRECT_CLASS_SHIFT}))
          (i32.load offset=${TEXTURE_CLASS_AT} (i32.const 0)))
        (i32.const ${TEXTURE_SET_PHASE_SHIFT}))
      (i32.load offset=${PHASES_AT + 4} (i32.const 0))))
    (i32.store offset=${SELECTED_SET_AT + 12} (i32.const 0) (i32.or
      (i32.shl (local.get $b) (i32.const 8))
      (i32.load offset=${SHAPE_AT} (i32.const 0))))
    (local.set $topShift (select
      (i32.sub (global.get $bits) (i32.const 8))
      (i32.add (local.get $b) (i32.const 1))
      (i32.and
        (i32.gt_s (global.get $bits) (i32.const 8))
        (i32.lt_s
          (i32.add (local.get $b) (i32.const 1))
          (i32.sub (global.get $bits) (i32.const 8))))))
    (i32.store offset=${SELECTED_SET_AT + 16} (i32.const 0) (i32.or
      (i32.shl (local.get $b) (i32.const 8))
      (i32.and (i32.shr_s (local.get $known) (local.get $topShift)) (i32.const 255))))
    (local.set $mixed (call $mix (local.get $b)))
    (local.set $byPosition (call $apm (global.get $apmPosition) (local.get $mixed)
      (local.get $position)))
    (global.set $cellPosition (global.get $apmCell))
    (global.set $weightPosition (global.get $apmWeight))
    (local.set $byError (call $apm (global.get $apmError) (local.get $mixed)
      (local.get $errorContext)))
    (global.set $cellError (global.get $apmCell))
    (global.set $weightError (global.get $apmWeight))
    (local.set $byValue (call $apm (global.get $apmValue) (local.get $mixed)
      (i32.or
        (i32.shl (local.get $b) (i32.const 8))
        (i32.and (i32.shr_s (local.get $known) (local.get $topShift)) (i32.const 255)))))
    (global.set $cellValue (global.get $apmCell))
    (global.set $weightValue (global.get $apmWeight))
    (call $refine
      (call $clampProbability (i32.shr_s
        (i32.add
          (i32.add (local.get $mixed) (local.get $byPosition))
          (i32.add (i32.add (local.get $byError) (local.get $byValue)) (i32.const 2)))
        (i32.const 2)))
      (local.get $b)))

  ;; How many direct tables the last p() used: 2 on the short path, else 9.
  (func (export "directTablesUsed") (result i32)
    (select (i32.const ${SHORT_PATH_TABLES}) (i32.const ${DIRECT_INPUTS}) (global.get $short)))

  ;; Learns from the coded bit and returns the next bit's probability, or 0 after the last bit
  ;; of the sample.
  (func (export "update") (param $bit i32) (result i32)
    (call $learn (local.get $bit))
    (global.set $known (i32.or (global.get $known) (i32.shl (local.get $bit) (global.get $b))))
    (global.set $node (i32.or (i32.shl (global.get $node) (i32.const 1)) (local.get $bit)))
    (if (i32.eqz (global.get $b))
      (then
        (call $learnSample)
        (call $completeSample (global.get $known))
        (return (i32.const 0))))
    (global.set $b (i32.sub (global.get $b) (i32.const 1)))
    (if (i32.ge_u (global.get $node) (i32.const 16))
      (then
        (global.set $group (i32.add (global.get $group) (i32.const 1)))
        (call $startGroup)))
    (call $p (global.get $b) (global.get $known) (global.get $node)))

  ;; Trains everything the last p() used on the coded bit.
  (func $learn (param $bit i32)
    (call $learnCertainty (local.get $bit))
    (call $updateSlots (i32.const 0) (i32.const ${SHORT_PATH_TABLES}) (local.get $bit) (i32.const 1023))
    (call $updateApm (global.get $cellError) (global.get $weightError) (local.get $bit)
      (i32.const 5))
    (if (global.get $short) (then (return)))
    (call $updateSlots (i32.const ${SHORT_PATH_TABLES}) (i32.const ${DIRECT_INPUTS})
      (local.get $bit) (i32.const 1023))
    (call $updateSlots (i32.const ${DIRECT_INPUTS})
      (i32.add (i32.const ${DIRECT_INPUTS}) (global.get $hashedInputs)) (local.get $bit)
      (global.get $hashedLimit))
    (call $updateNetwork (local.get $bit))
    (call $updateApm (global.get $cellPosition) (global.get $weightPosition) (local.get $bit)
      (i32.const 7))
    (call $updateApm (global.get $cellValue) (global.get $weightValue) (local.get $bit)
      (i32.const 6))))
