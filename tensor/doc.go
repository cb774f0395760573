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
// [BroadcastShapes] computes the common shape, [BroadcastTo] materialises a stretched copy,
// and [ReduceTo] is the adjoint: it sums a gradient over the broadcast axes back down to an
// operand's shape. The binary operations ([Add], [Sub], [Mul], [Div], [Pow], [Maximum],
// [Minimum], the comparisons [Eq] … [Ge] that return 0/1 masks, and [Where]) take three paths:
// equal shapes run one vector kernel over the whole slice, a row broadcast over leading axes
// (a bias) runs one kernel call per row, and anything else walks a strided odometer over the
// output after merging axes that are contiguous in every operand.
//
// # Unary operations, reductions and softmax
//
// The unary operations ([Exp], [Log], [Tanh], [Sigmoid], [ReLU], [GELU], [GELUErf],
// [Softplus], [Swish], …) and the scalar forms ([AddScalar], [MulScalar], [PowScalar]) are
// elementwise and may run in place. [GELUBackward] and [GELUErfBackward] give the derivatives
// whose closed forms are not one line.
//
// Reductions along an axis ([Sum], [Mean], [Var], [Max], [Min], [LogSumExp], [ArgMax]) accept
// negative axes and a keepDims flag; [SumAll], [MeanAll], [MaxAll], [MinAll] and [ArgMaxAll]
// reduce everything. Sums and means accumulate in float64. [Softmax] and [LogSoftmax] work on
// the last axis and subtract the row maximum first, so logits of ±1e4 are safe.
//
// # Neural-network kernels
//
// Forward and backward pairs in the manner of llm.c, the backward passes accumulating into the
// gradient tensors they are given (nil meaning "not needed"): [Conv2D] and [Conv2DBackward]
// (NCHW, im2col followed by [Gemm]), [MaxPool2D] and [MaxPool2DBackward], [LayerNorm] and
// [LayerNormBackward], [Gather] and [ScatterAdd] (embedding lookup and its gradient),
// [TakeAlong] and [TakeAlongBackward] (one element per row, e.g. Q(s,a) for chosen actions).
// [OneHot], [Concat], [Split], [Pad], [Unpad] and [Narrow] build and cut tensors.
//
// # Numerics and reproducibility
//
// NaN propagates through Max, Min, Maximum, Minimum, Clamp and ReLU, and counts as the largest
// value for ArgMax; comparisons follow IEEE 754. A softmax row with no finite maximum (all −Inf,
// or holding +Inf or NaN) is NaN throughout, as in PyTorch, while LogSumExp of an all −Inf row
// is −Inf. Work is split over goroutines only where every output element is computed by one
// goroutine in a fixed order, and sums across a batch (ReduceTo, the dw, db, dgamma and dbeta
// gradients) run in a fixed order, so no result depends on GOMAXPROCS.
//
// # Matrix products
//
// [Gemm] is a BLAS-style single-precision matrix multiply on plain slices with transpose flags
// and leading dimensions; [MatMul], [MatMulT] and [MatMulInto] apply it to rank-2 and batched
// rank-3 tensors. On amd64 it runs a packed, cache-blocked kernel with AVX-512 or AVX2+FMA
// micro-kernels chosen at start-up, and a pure-Go twin elsewhere or under the purego build tag.
// Large products are spread over GOMAXPROCS goroutines, and each output element is computed the
// same way whatever the number of goroutines, so results are reproducible bit for bit.
// [RowDots] computes A·Bᵀ as dot products of rows, for few long rows (a convolution's filter
// gradient), where Gemm would copy Bᵀ into panels; its sums are ordered differently from
// Gemm's, and as reproducibly.
//
// # Coarse parallelism
//
// [Concurrent] runs independent sections at once (the shards of a data-parallel training
// step, for example); while they run, the kernels they call share the processors among the
// sections instead of each splitting its work over all of them. [Parallel] and [Workers] expose
// the kernels' own splitting of an index range for fused operations built on this package.
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
