package tensor

import (
	"fmt"
	"math"
	"slices"

	"github.com/tenet-ml/tenet/tensor/internal/kernel"
)

// reduceShape resolves axis and splits a's shape into outer·n·inner around it. It returns the
// result tensor: a's shape without the axis, or with it set to 1 when keepDims is true.
func reduceShape(op string, a *Tensor, axis int, keepDims bool) (out *Tensor, outer, n, inner int) {
	ax := a.axis(op, axis)
	outer, n, inner = 1, a.shape[ax], 1
	for _, d := range a.shape[:ax] {
		outer *= d
	}
	for _, d := range a.shape[ax+1:] {
		inner *= d
	}
	shape := slices.Clone(a.shape)
	if keepDims {
		shape[ax] = 1
	} else {
		shape = slices.Delete(shape, ax, ax+1)
	}
	return &Tensor{shape: shape, data: make([]float32, outer*inner)}, outer, n, inner
}

// reduceAxis computes, for every outer and inner position, f over the n values along the axis.
// f receives the values through a strided view: x[i*stride] for i < n. Outputs are independent,
// so large reductions are spread over goroutines without changing any result.
func reduceAxis(op string, a *Tensor, axis int, keepDims bool, f func(x []float32, n, stride int) float32) *Tensor {
	out, outer, n, inner := reduceShape(op, a, axis, keepDims)
	total := outer * inner
	if total == 0 {
		return out
	}
	body := func(lo, hi int) {
		for j := lo; j < hi; j++ {
			o, i := j/inner, j%inner
			base := o*n*inner + i
			var x []float32
			if n > 0 {
				x = a.data[base : base+(n-1)*inner+1]
			}
			out.data[j] = f(x, n, inner)
		}
	}
	if total > 1 && total*n >= 2*parallelGrain {
		kernel.Parallel(total, max(1, parallelGrain/max(n, 1)), body)
	} else {
		body(0, total)
	}
	return out
}

func sum64(x []float32, n, stride int) float64 {
	var s float64
	if stride == 1 {
		for _, v := range x[:n] {
			s += float64(v)
		}
		return s
	}
	for i := 0; i < n; i++ {
		s += float64(x[i*stride])
	}
	return s
}

// Sum returns the sum of a along axis (negative axes count from the end). The axis is removed
// from the shape, or kept with size 1 when keepDims is true. Sums accumulate in float64.
func Sum(a *Tensor, axis int, keepDims bool) *Tensor {
	return reduceAxis("Sum", a, axis, keepDims, func(x []float32, n, s int) float32 { return float32(sum64(x, n, s)) })
}

// Mean returns the mean of a along axis, accumulated in float64; see Sum for axis and
// keepDims. The mean over an empty axis is NaN.
func Mean(a *Tensor, axis int, keepDims bool) *Tensor {
	return reduceAxis("Mean", a, axis, keepDims, func(x []float32, n, s int) float32 {
		return float32(sum64(x, n, s) / float64(n))
	})
}

// Var returns the population variance of a along axis (divisor n, numpy's ddof = 0), computed
// in float64 in two passes (mean, then the mean squared deviation); see Sum for axis and
// keepDims.
func Var(a *Tensor, axis int, keepDims bool) *Tensor {
	return reduceAxis("Var", a, axis, keepDims, func(x []float32, n, s int) float32 {
		m := sum64(x, n, s) / float64(n)
		var ss float64
		for i := 0; i < n; i++ {
			d := float64(x[i*s]) - m
			ss += d * d
		}
		return float32(ss / float64(n))
	})
}

// Max returns the largest value of a along axis; see Sum for axis and keepDims. A NaN along the
// axis gives NaN; an empty axis gives −Inf.
func Max(a *Tensor, axis int, keepDims bool) *Tensor {
	return reduceAxis("Max", a, axis, keepDims, func(x []float32, n, s int) float32 { return maxStrided(x, n, s) })
}

// Min returns the smallest value of a along axis; see Sum for axis and keepDims. A NaN along
// the axis gives NaN; an empty axis gives +Inf.
func Min(a *Tensor, axis int, keepDims bool) *Tensor {
	return reduceAxis("Min", a, axis, keepDims, func(x []float32, n, s int) float32 {
		m := float32(math.Inf(1))
		for i := 0; i < n; i++ {
			m = min(m, x[i*s])
		}
		return m
	})
}

func maxStrided(x []float32, n, s int) float32 {
	if s == 1 {
		return kernel.Max(x[:n])
	}
	m := float32(math.Inf(-1))
	for i := 0; i < n; i++ {
		m = max(m, x[i*s])
	}
	return m
}

// LogSumExp returns log Σ e^x along axis, computed stably by subtracting the maximum; see Sum
// for axis and keepDims. An axis of all −Inf (or an empty axis) gives −Inf, one holding +Inf
// gives +Inf, and NaN propagates.
func LogSumExp(a *Tensor, axis int, keepDims bool) *Tensor {
	return reduceAxis("LogSumExp", a, axis, keepDims, func(x []float32, n, s int) float32 {
		m := maxStrided(x, n, s)
		if math.IsInf(float64(m), 0) || m != m {
			return m
		}
		var e float64
		for i := 0; i < n; i++ {
			e += math.Exp(float64(x[i*s] - m))
		}
		return m + float32(math.Log(e))
	})
}

// ArgMax returns, for every position of the other axes in row-major order, the index along
// axis of the largest value (the first one on ties). NaN counts as larger than any number, so
// the first NaN wins. It panics if the axis is empty.
func ArgMax(a *Tensor, axis int) []int {
	ax := a.axis("ArgMax", axis)
	n := a.shape[ax]
	outer, inner := 1, 1
	for _, d := range a.shape[:ax] {
		outer *= d
	}
	for _, d := range a.shape[ax+1:] {
		inner *= d
	}
	if n == 0 && outer*inner > 0 {
		panic(fmt.Sprintf("tensor: ArgMax: axis %d of %v is empty", axis, a.shape))
	}
	res := make([]int, outer*inner)
	for j := range res {
		o, i := j/inner, j%inner
		res[j] = argMaxStrided(a.data[o*n*inner+i:], n, inner)
	}
	return res
}

func argMaxStrided(x []float32, n, s int) int {
	best, bv := 0, x[0]
	if bv != bv {
		return 0
	}
	for i := 1; i < n; i++ {
		v := x[i*s]
		if v != v {
			return i
		}
		if v > bv {
			best, bv = i, v
		}
	}
	return best
}

// SumAll returns the sum of all elements of a, accumulated in float64.
func SumAll(a *Tensor) float32 { return float32(sum64(a.data, len(a.data), 1)) }

// MeanAll returns the mean of all elements of a, accumulated in float64 (NaN when a is
// empty).
func MeanAll(a *Tensor) float32 {
	return float32(sum64(a.data, len(a.data), 1) / float64(len(a.data)))
}

// MaxAll returns the largest element of a: NaN if any element is NaN, −Inf if a is empty.
func MaxAll(a *Tensor) float32 { return kernel.Max(a.data) }

// MinAll returns the smallest element of a: NaN if any element is NaN, +Inf if a is empty.
func MinAll(a *Tensor) float32 {
	m := float32(math.Inf(1))
	for _, v := range a.data {
		m = min(m, v)
	}
	return m
}

// ArgMaxAll returns the row-major position of the largest element of a (the first on ties; the
// first NaN if there is one). It panics if a is empty.
func ArgMaxAll(a *Tensor) int {
	if len(a.data) == 0 {
		panic(fmt.Sprintf("tensor: ArgMaxAll: shape %v is empty", a.shape))
	}
	return argMaxStrided(a.data, len(a.data), 1)
}
