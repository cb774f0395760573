// Package tensor provides float32 n-dimensional arrays and the numeric kernels that the rest of
// tenet is built on: elementwise arithmetic with broadcasting, reductions, softmax, matrix
// products, and the neural-network kernels (convolution, pooling, layer normalisation,
// embedding gather and scatter) whose forward and backward passes package autodiff calls.
//
// # Tensors
//
// A [Tensor] is a shape and a contiguous row-major []float32. Construct one with [New],
// [Zeros], [Ones], [Full], [FromSlice], [Arange], [RandNormal] or [RandUniform]. Reshape, Row
// and Slice return views that share storage; everything else allocates its result or, in the
// Into forms (AddInto, MatMulInto, …), writes into a destination the caller provides so that
// training and decoding loops run without allocating.
//
// # Broadcasting
//
// Binary elementwise operations follow numpy's rules: shapes are aligned at their last axes,
// and an axis of size 1 (or a missing leading axis) stretches to match the other operand.
// Adding a bias of shape [n] to a batch of shape [b, n] needs no explicit copy.
//
// # Matrix products
//
// [Gemm] is a BLAS-style single-precision matrix multiply on plain slices with transpose flags
// and leading dimensions; [MatMul], [MatMulT] and [MatMulInto] apply it to rank-2 and batched
// rank-3 tensors. On amd64 it runs a packed, cache-blocked kernel with AVX-512 or AVX2+FMA
// micro-kernels chosen at start-up, and a pure-Go twin elsewhere or under the purego build tag.
// Large products are spread over GOMAXPROCS goroutines, and each output element is computed the
// same way whatever the number of goroutines, so results are reproducible bit for bit.
//
// # Errors
//
// Shape mismatches, bad axes and short slices are programming errors: they panic with a
// message naming the operation and the shapes, for example
//
//	tensor: MatMul: [2 3] × [4 5]: inner dimensions differ
//
// Nothing in this package prints, logs or exits.
package tensor
