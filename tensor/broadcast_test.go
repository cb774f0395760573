package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// naiveBroadcastShape is the oracle for BroadcastShapes: ok is false when the shapes clash.
func naiveBroadcastShape(a, b []int) (out []int, ok bool) {
	r := max(len(a), len(b))
	out = make([]int, r)
	for i := range r {
		da, db := 1, 1
		if j := i - (r - len(a)); j >= 0 {
			da = a[j]
		}
		if j := i - (r - len(b)); j >= 0 {
			db = b[j]
		}
		switch {
		case da == db:
			out[i] = da
		case da == 1:
			out[i] = db
		case db == 1:
			out[i] = da
		default:
			return nil, false
		}
	}
	return out, true
}

// unravel returns the multi-index of row-major position p in shape.
func unravel(p int, shape []int) []int {
	idx := make([]int, len(shape))
	for i := len(shape) - 1; i >= 0; i-- {
		idx[i] = p % shape[i]
		p /= shape[i]
	}
	return idx
}

// bcastOffset returns the position in a tensor of shape s of the element that output index idx
// reads under broadcasting.
func bcastOffset(s, idx []int) int {
	off := 0
	for i, d := range s {
		x := idx[len(idx)-len(s)+i]
		if d == 1 {
			x = 0
		}
		off = off*d + x
	}
	return off
}

// naiveBinary applies f in float64 to every output element, the slow oracle for broadcasting.
func naiveBinary(a, b *Tensor, f func(x, y float64) float64) ([]int, []float64) {
	out, ok := naiveBroadcastShape(a.shape, b.shape)
	if !ok {
		panic("shapes clash")
	}
	n := 1
	for _, d := range out {
		n *= d
	}
	res := make([]float64, n)
	for p := range res {
		idx := unravel(p, out)
		res[p] = f(float64(a.data[bcastOffset(a.shape, idx)]), float64(b.data[bcastOffset(b.shape, idx)]))
	}
	return out, res
}

// randomPair returns two shapes that broadcast: b is a suffix of a with some axes set to 1,
// and some of a's axes are set to 1 where b's are not.
func randomPair(rng *rand.Rand) (a, b []int) {
	r := rng.IntN(5)
	a = make([]int, r)
	for i := range a {
		a[i] = 1 + rng.IntN(4)
	}
	b = slices.Clone(a[rng.IntN(r+1):])
	for i := range b {
		if rng.IntN(3) == 0 {
			b[i] = 1
		} else if rng.IntN(4) == 0 {
			a[len(a)-len(b)+i] = 1
		}
	}
	if rng.IntN(2) == 0 {
		a, b = b, a
	}
	return a, b
}

func closeF(got float32, want float64, tol float64) bool {
	if math.IsNaN(want) {
		return got != got
	}
	if math.IsInf(want, 0) {
		return float64(got) == want
	}
	return math.Abs(float64(got)-want) <= tol*(1+math.Abs(want))
}

func checkClose(t *testing.T, what string, got *Tensor, shape []int, want []float64, tol float64) {
	t.Helper()
	if !slices.Equal(got.shape, shape) {
		t.Fatalf("%s: shape %v, want %v", what, got.shape, shape)
	}
	for i, w := range want {
		if !closeF(got.data[i], w, tol) {
			t.Fatalf("%s: element %d (%v): got %v want %v", what, i, unravel(i, shape), got.data[i], w)
		}
	}
}

var binaryCases = []struct {
	name string
	op   func(a, b *Tensor) *Tensor
	into func(dst, a, b *Tensor) *Tensor
	f    func(x, y float64) float64
}{
	{"Add", Add, AddInto, func(x, y float64) float64 { return x + y }},
	{"Sub", Sub, SubInto, func(x, y float64) float64 { return x - y }},
	{"Mul", Mul, MulInto, func(x, y float64) float64 { return x * y }},
	{"Div", Div, DivInto, func(x, y float64) float64 { return x / y }},
	{"Pow", Pow, PowInto, math.Pow},
	{"Maximum", Maximum, MaximumInto, math.Max},
	{"Minimum", Minimum, MinimumInto, math.Min},
	{"Eq", Eq, EqInto, func(x, y float64) float64 { return b2f64(x == y) }},
	{"Ne", Ne, NeInto, func(x, y float64) float64 { return b2f64(x != y) }},
	{"Lt", Lt, LtInto, func(x, y float64) float64 { return b2f64(x < y) }},
	{"Le", Le, LeInto, func(x, y float64) float64 { return b2f64(x <= y) }},
	{"Gt", Gt, GtInto, func(x, y float64) float64 { return b2f64(x > y) }},
	{"Ge", Ge, GeInto, func(x, y float64) float64 { return b2f64(x >= y) }},
}

func b2f64(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// randSmallInts fills a tensor with small integers (so comparisons see ties) or positive reals.
func randOperand(rng *rand.Rand, shape []int, ints bool) *Tensor {
	x := New(shape...)
	for i := range x.data {
		if ints {
			x.data[i] = float32(rng.IntN(3))
		} else {
			x.data[i] = 0.25 + rng.Float32()*2
		}
	}
	return x
}

func TestBinaryBroadcastMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for trial := range 300 {
		as, bs := randomPair(rng)
		for _, c := range binaryCases {
			ints := trial%2 == 0
			a, b := randOperand(rng, as, ints), randOperand(rng, bs, ints)
			if c.name == "Div" || c.name == "Pow" {
				a, b = randOperand(rng, as, false), randOperand(rng, bs, false)
			}
			shape, want := naiveBinary(a, b, c.f)
			got := c.op(a, b)
			checkClose(t, c.name+" "+formatShapes(as, bs), got, shape, want, 1e-6)
			dst := Full(7, shape...)
			if r := c.into(dst, a, b); r != dst {
				t.Fatal("Into must return dst")
			}
			checkClose(t, c.name+"Into", dst, shape, want, 1e-6)
			// In place, into an operand that has the broadcast shape.
			if slices.Equal(as, shape) {
				c.into(a, a, b)
				checkClose(t, c.name+"Into aliasing a", a, shape, want, 1e-6)
			}
		}
	}
}

func formatShapes(a, b []int) string { return fmt.Sprintf("%v with %v", a, b) }

func TestBinaryFastPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	// Shapes large enough for the parallel paths, plus bias adds and scalar operands.
	for _, sh := range [][2][]int{
		{{300, 257}, {300, 257}},
		{{300, 257}, {257}},
		{{257}, {300, 257}},
		{{4, 70, 300}, {1, 1, 300}},
		{{300, 257}, {}},
		{{}, {300, 257}},
		{{300, 257}, {300, 1}},
		{{3, 1, 5}, {1, 4, 1}},
		{{2, 1, 3, 1, 2, 1, 2, 3, 2}, {3, 2, 1, 2, 1, 2}}, // beyond the stack-held rank
	} {
		a, b := RandNormal(rng, 0, 1, sh[0]...), RandNormal(rng, 0, 1, sh[1]...)
		for _, c := range binaryCases[:3] {
			shape, want := naiveBinary(a, b, c.f)
			checkClose(t, c.name+" fast path", c.op(a, b), shape, want, 1e-6)
		}
	}
}

func TestBroadcastToAndReduceTo(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for range 300 {
		as, bs := randomPair(rng)
		out, _ := naiveBroadcastShape(as, bs)
		x := RandNormal(rng, 0, 1, as...)
		// BroadcastTo against the naive gather.
		got := BroadcastTo(x, out...)
		_, want := naiveBinary(x, New(out...), func(x, _ float64) float64 { return x })
		checkClose(t, "BroadcastTo", got, out, want, 0)
		// ReduceTo is the adjoint of BroadcastTo: ⟨BroadcastTo(x), y⟩ = ⟨x, ReduceTo(y)⟩, and it
		// equals the naive per-index sum.
		y := RandNormal(rng, 0, 1, out...)
		r := ReduceTo(y, as...)
		sums := make([]float64, x.Len())
		for p, v := range y.data {
			sums[bcastOffset(as, unravel(p, out))] += float64(v)
		}
		checkClose(t, "ReduceTo", r, as, sums, 1e-5)
		dst := Full(3, as...)
		ReduceToInto(dst, y)
		checkClose(t, "ReduceToInto", dst, as, sums, 1e-5)
	}
	// A long bias gradient stays accurate (float64 accumulation).
	g := Full(0.1, 100000, 3)
	if s := ReduceTo(g, 3).data[0]; math.Abs(float64(s)-10000) > 1e-2 {
		t.Fatalf("ReduceTo sum %v, want 10000", s)
	}
	mustPanic(t, "tensor: BroadcastTo: [2 3] cannot broadcast to [3 3]", func() { BroadcastTo(New(2, 3), 3, 3) })
	mustPanic(t, "tensor: ReduceTo: [4] does not broadcast to [2 3]", func() { ReduceTo(New(2, 3), 4) })
	mustPanic(t, "tensor: ReduceTo: [2 3] does not broadcast to [3]", func() { ReduceTo(New(3), 2, 3) })
	mustPanic(t, "tensor: ReduceToInto: [4] does not broadcast to [2 3]", func() { ReduceToInto(New(4), New(2, 3)) })
}

func TestBinaryPanics(t *testing.T) {
	mustPanic(t, "tensor: Add: [2 3] and [4]: shapes do not broadcast", func() { Add(New(2, 3), New(4)) })
	mustPanic(t, "tensor: Mul: [2 3] and [3 2]: shapes do not broadcast", func() { Mul(New(2, 3), New(3, 2)) })
	mustPanic(t, "tensor: AddInto: destination [3], want [2 3] for [2 3] and [3]", func() { AddInto(New(3), New(2, 3), New(3)) })
	mustPanic(t, "tensor: SubInto: [2] and [3]: shapes do not broadcast", func() { SubInto(New(3), New(2), New(3)) })
	mustPanic(t, "tensor: MulInto: nil destination", func() { MulInto(nil, New(2), New(2)) })
	mustPanic(t, "tensor: BroadcastShapes: [5 2] and [3 2]: shapes do not broadcast", func() { BroadcastShapes([]int{5, 2}, []int{3, 2}) })
	mustPanic(t, "tensor: AddScalarInto: shapes [3] and [2] differ", func() { AddScalarInto(New(3), New(2), 1) })
	mustPanic(t, "tensor: Where: mask [4], operands [2 3] and [3]: shapes do not broadcast", func() { Where(New(4), New(2, 3), New(3)) })
	mustPanic(t, "tensor: Eq: [2] and [3]", func() { Eq(New(2), New(3)) })
}

func TestScalarOps(t *testing.T) {
	x := FromSlice([]float32{-2, 0.5, 3, 4}, 2, 2)
	if got := AddScalar(x, 1).String(); got != "[[-1 1.5] [4 5]]" {
		t.Fatalf("AddScalar = %s", got)
	}
	if got := MulScalar(x, -2).String(); got != "[[4 -1] [-6 -8]]" {
		t.Fatalf("MulScalar = %s", got)
	}
	for _, p := range []float32{2, 0.5, 1, -1, 3, 0} {
		got := PowScalar(x, p)
		for i, v := range x.data {
			if !closeF(got.data[i], math.Pow(float64(v), float64(p)), 1e-6) {
				t.Fatalf("PowScalar(%v, %v) = %v", v, p, got.data[i])
			}
		}
	}
	y := x.Clone()
	MulScalarInto(y, y, 3)
	AddScalarInto(y, y, -1)
	if got := y.String(); got != "[[-7 0.5] [8 11]]" {
		t.Fatalf("in place = %s", got)
	}
	big := Full(2, 3*parallelGrain)
	if s := SumAll(MulScalar(big, 0.5)); s != float32(3*parallelGrain) {
		t.Fatalf("parallel MulScalar sum %v", s)
	}
}

func TestWhere(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for range 200 {
		as, bs := randomPair(rng)
		ms, _ := randomPair(rng)
		if _, ok := naiveBroadcastShape(ms, as); !ok {
			ms = nil
		}
		ab, _ := naiveBroadcastShape(as, bs)
		out, ok := naiveBroadcastShape(ms, ab)
		if !ok {
			continue
		}
		mask, a, b := randOperand(rng, ms, true), RandNormal(rng, 0, 1, as...), RandNormal(rng, 0, 1, bs...)
		got := Where(mask, a, b)
		n := 1
		for _, d := range out {
			n *= d
		}
		want := make([]float64, n)
		for p := range want {
			idx := unravel(p, out)
			if mask.data[bcastOffset(ms, idx)] != 0 {
				want[p] = float64(a.data[bcastOffset(as, idx)])
			} else {
				want[p] = float64(b.data[bcastOffset(bs, idx)])
			}
		}
		checkClose(t, "Where", got, out, want, 0)
	}
	// A causal mask over a batch of scores, in place.
	scores := Ones(2, 3, 3)
	causal := FromSlice([]float32{1, 0, 0, 1, 1, 0, 1, 1, 1}, 3, 3)
	WhereInto(scores, causal, scores, Scalar(float32(math.Inf(-1))))
	if got := scores.Row(1).String(); got != "[[1 -Inf -Inf] [1 1 -Inf] [1 1 1]]" {
		t.Fatalf("causal Where = %s", got)
	}
}

func TestNaNComparisons(t *testing.T) {
	nan := float32(math.NaN())
	a := FromSlice([]float32{nan, 1, nan}, 3)
	b := FromSlice([]float32{nan, nan, 2}, 3)
	for _, c := range []struct {
		got  *Tensor
		want string
	}{
		{Eq(a, b), "[0 0 0]"}, {Ne(a, b), "[1 1 1]"}, {Lt(a, b), "[0 0 0]"},
		{Ge(a, b), "[0 0 0]"}, {Maximum(a, b), "[NaN NaN NaN]"}, {Minimum(a, b), "[NaN NaN NaN]"},
	} {
		if s := c.got.String(); s != c.want {
			t.Fatalf("got %s want %s", s, c.want)
		}
	}
}

func TestIntoDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	a, bias := Ones(64, 32), Ones(32)
	dst := New(64, 32)
	row := New(32)
	for name, f := range map[string]func(){
		"AddInto same":  func() { AddInto(dst, a, a) },
		"AddInto bias":  func() { AddInto(dst, a, bias) },
		"MulInto scal":  func() { MulInto(dst, a, Scalar(2)) },
		"ExpInto":       func() { ExpInto(dst, a) },
		"SoftmaxInto":   func() { SoftmaxInto(dst, a) },
		"ReduceToInto":  func() { ReduceToInto(row, a) },
		"MulScalarInto": func() { MulScalarInto(dst, a, 3) },
	} {
		if name == "MulInto scal" {
			continue // Scalar allocates its argument.
		}
		if n := testing.AllocsPerRun(20, f); n > 0 {
			t.Errorf("%s: %v allocations per call", name, n)
		}
	}
}

// FuzzBroadcast checks the shape logic on small random shapes: every binary operation either
// panics with a tensor: message or agrees with the naive per-index implementation.
func FuzzBroadcast(f *testing.F) {
	f.Add([]byte{2, 3, 0, 1, 3})
	f.Add([]byte{1, 4, 1, 1})
	f.Add([]byte{0, 1, 2})
	f.Fuzz(func(t *testing.T, spec []byte) {
		if len(spec) < 2 {
			return
		}
		// spec[0] and spec[1] are the ranks (mod 5); the rest are dimensions (mod 4).
		ra, rb := int(spec[0]%5), int(spec[1]%5)
		dims := spec[2:]
		take := func(r int) []int {
			s := make([]int, r)
			for i := range s {
				if len(dims) > 0 {
					s[i] = int(dims[0] % 4)
					dims = dims[1:]
				} else {
					s[i] = 1
				}
			}
			return s
		}
		as, bs := take(ra), take(rb)
		a, b := Arange(0, float32(numel("", as)), 1).Reshape(as...), Arange(1, float32(numel("", bs))+1, 1).Reshape(bs...)
		want, ok := naiveBroadcastShape(as, bs)
		for _, c := range binaryCases[:4] {
			var got *Tensor
			msg := catchPanic(func() { got = c.op(a, b) })
			if !ok {
				if !strings.HasPrefix(msg, "tensor: "+c.name+": ") {
					t.Fatalf("%s(%v, %v): panic %q, want a tensor: message", c.name, as, bs, msg)
				}
				continue
			}
			if msg != "" {
				t.Fatalf("%s(%v, %v) panicked: %s", c.name, as, bs, msg)
			}
			shape, vals := naiveBinary(a, b, c.f)
			if !slices.Equal(shape, want) {
				t.Fatalf("oracle shape %v vs %v", shape, want)
			}
			checkClose(t, c.name, got, shape, vals, 1e-6)
			if bs := BroadcastShapes(as, bs); !slices.Equal(bs, want) {
				t.Fatalf("BroadcastShapes = %v want %v", bs, want)
			}
		}
		if ok {
			r := ReduceTo(Ones(want...), as...)
			if math.Abs(float64(SumAll(r))-float64(numel("", want))) > 0 {
				t.Fatalf("ReduceTo total %v, want %d", SumAll(r), numel("", want))
			}
		}
	})
}

// catchPanic runs f and returns its panic message, or "" if it returns normally.
func catchPanic(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			s, isString := r.(string)
			if !isString {
				s = "non-string panic"
			}
			msg = s
			if msg == "" {
				msg = "empty panic"
			}
		}
	}()
	f()
	return ""
}

func BenchmarkAddBias(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, bias := RandNormal(rng, 0, 1, 64, 64, 384), RandNormal(rng, 0, 1, 384)
	dst := New(x.shape...)
	b.ReportAllocs()
	b.SetBytes(int64(4 * x.Len()))
	for b.Loop() {
		AddInto(dst, x, bias)
	}
}

func BenchmarkAddGeneralBroadcast(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := RandNormal(rng, 0, 1, 64, 1, 384), RandNormal(rng, 0, 1, 64, 1)
	dst := New(64, 64, 384)
	b.ReportAllocs()
	b.SetBytes(int64(4 * dst.Len()))
	for b.Loop() {
		AddInto(dst, x, y)
	}
}

func BenchmarkReduceToBias(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	g, db := RandNormal(rng, 0, 1, 64, 64, 384), New(384)
	b.ReportAllocs()
	b.SetBytes(int64(4 * g.Len()))
	for b.Loop() {
		ReduceToInto(db, g)
	}
}
