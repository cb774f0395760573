package tensor

import (
	"fmt"
	"math"

	"github.com/tenet-ml/tenet/tensor/internal/kernel"
)

// MaxPool2D returns the maximum over every size×size window of x, moved by stride, without
// padding: x is (N,C,H,W) and y is (N,C,OH,OW) with OH = (H−size)/stride+1 and
// OW = (W−size)/stride+1. argmax holds, for every element of y, the position in x.Data() of
// the value chosen (the first maximum in row-major window order; a NaN wins), for
// MaxPool2DBackward. It panics unless x is rank 4, size ≥ 1, stride ≥ 1 and the window fits.
func MaxPool2D(x *Tensor, size, stride int) (y *Tensor, argmax []int32) {
	if x.Rank() != 4 || size < 1 || stride < 1 || x.shape[2] < size || x.shape[3] < size {
		panic(fmt.Sprintf("tensor: MaxPool2D: x %v with size %d, stride %d", x.shape, size, stride))
	}
	if len(x.data) > math.MaxInt32 {
		panic(fmt.Sprintf("tensor: MaxPool2D: x %v has too many elements for int32 positions", x.shape))
	}
	n, c, h, w := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	oh, ow := (h-size)/stride+1, (w-size)/stride+1
	y = New(n, c, oh, ow)
	argmax = make([]int32, len(y.data))
	body := func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			base := pl * h * w
			for i := range oh {
				for j := range ow {
					best := base + i*stride*w + j*stride
					bv := x.data[best]
					for di := range size {
						row := base + (i*stride+di)*w + j*stride
						for dj, v := range x.data[row : row+size] {
							if v > bv || (v != v && bv == bv) {
								best, bv = row+dj, v
							}
						}
					}
					o := (pl*oh+i)*ow + j
					y.data[o], argmax[o] = bv, int32(best)
				}
			}
		}
	}
	planes := n * c
	if planes > 1 && len(x.data) >= parallelGrain {
		kernel.Parallel(planes, max(1, parallelGrain/(h*w)), body)
	} else {
		body(0, planes)
	}
	return y, argmax
}

// MaxPool2DBackward adds dy[i] to dx at position argmax[i] for every element i of dy, the
// gradient of MaxPool2D: dy is (N,C,OH,OW), argmax is what MaxPool2D returned and dx has the
// shape of its input. It accumulates. It panics if the lengths differ or a position is outside
// dx.
func MaxPool2DBackward(dy *Tensor, argmax []int32, dx *Tensor) {
	if len(argmax) != len(dy.data) {
		panic(fmt.Sprintf("tensor: MaxPool2DBackward: %d positions for dy %v", len(argmax), dy.shape))
	}
	for i, p := range argmax {
		if p < 0 || int(p) >= len(dx.data) {
			panic(fmt.Sprintf("tensor: MaxPool2DBackward: position %d outside dx %v", p, dx.shape))
		}
		dx.data[p] += dy.data[i]
	}
}
