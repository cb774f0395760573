package stem

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestPNGRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	l := NewLattice(14, rng)
	f, _ := syntheticFrame(l, DefaultImaging(), rng)
	var buf bytes.Buffer
	if err := WriteFramePNG(&buf, f); err != nil {
		t.Fatal(err)
	}
	g, err := ReadFramePNG(&buf, f.PixelSize)
	if err != nil {
		t.Fatal(err)
	}
	a, b := DetectAtoms(f, DefaultDetect()), DetectAtoms(g, DefaultDetect())
	if len(a.Pos) != len(b.Pos) || findSi(b, 2) < 0 {
		t.Fatalf("detections differ after PNG round trip: %d vs %d", len(a.Pos), len(b.Pos))
	}
	// An 8-bit image reads as 0–255.
	img := image.NewGray(image.Rect(0, 0, 4, 3))
	img.SetGray(1, 2, color.Gray{Y: 200})
	buf.Reset()
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	h, err := ReadFramePNG(&buf, 0.1)
	if err != nil || h.At(1, 2) != 200 || h.W != 4 || h.H != 3 {
		t.Fatalf("8-bit frame: %v %+v", err, h)
	}
	if _, err := ReadFramePNG(strings.NewReader("not a png"), 0.1); err == nil {
		t.Fatal("garbage accepted")
	}
}

func TestReadBeamLog(t *testing.T) {
	log := "Voltage,time,x,y,dwell,current,note\n60,0,1.5,2.5,1,50,a\n60,1.0,3,4,0.5,45,b\n"
	recs, err := ReadBeamLog(strings.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	want := []BeamRecord{{0, 1.5, 2.5, 1, 50, 60}, {1, 3, 4, 0.5, 45, 60}}
	if len(recs) != 2 || recs[0] != want[0] || recs[1] != want[1] {
		t.Fatalf("got %+v", recs)
	}
	for _, bad := range []string{"", "time,x,y,dwell,current\n0,1,2,3,4\n", "time,x,y,dwell,current,voltage\n0,1,2,abc,4,5\n",
		"time,x,y,dwell,current,voltage\n0,1,2,NaN,4,5\n", "time,x,y,dwell,current,voltage\n0,1,2\n", "time,x,y,dwell,current,voltage\n0,1,2,-1,4,5\n"} {
		if _, err := ReadBeamLog(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestReadAtomCSV(t *testing.T) {
	in := "frame,x,y,z\n0,1,1,6\n0,2,1,14\n2,5,5,6\n"
	f, err := ReadAtomCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(f) != 3 || len(f[0].Pos) != 2 || len(f[1].Pos) != 0 || len(f[2].Pos) != 1 || findSi(f[0], 2) != 1 {
		t.Fatalf("got %+v", f)
	}
	for _, bad := range []string{"frame,x,y\n0,1,1\n", "frame,x,y,intensity\n-1,1,1,1\n", "frame,x,y,intensity\n99999999,1,1,1\n", "frame,x,y,z\n0,1,1,0\n"} {
		if _, err := ReadAtomCSV(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func FuzzReadBeamLog(f *testing.F) {
	f.Add("time,x,y,dwell,current,voltage\n0,1,2,1,50,60\n")
	f.Add("x,y,time,voltage,current,dwell\n1e3,-2,0,60,50,1\n,,,\n")
	f.Add("\"time\",x\n\"unterminated")
	f.Fuzz(func(t *testing.T, s string) {
		recs, err := ReadBeamLog(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, r := range recs {
			for _, v := range []float64{r.Time, r.X, r.Y, r.Dwell, r.Current, r.Voltage} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("non-finite value accepted: %+v", r)
				}
			}
		}
		Extract([]FrameAtoms{{}, {}}, recs, PipelineConfig{}, nil)
	})
}

func FuzzReadAtomCSV(f *testing.F) {
	f.Add("frame,x,y,intensity\n0,1,1,10\n1,2,2,40\n")
	f.Add("frame,x,y,z\n3,1,1,14\n0,0,0,6\n")
	f.Add("frame,x\n0")
	f.Fuzz(func(t *testing.T, s string) {
		frames, err := ReadAtomCSV(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, fr := range frames {
			if len(fr.Pos) != len(fr.Intensity) {
				t.Fatal("positions and intensities differ in length")
			}
		}
		beams := make([]BeamRecord, len(frames))
		for i := range beams {
			beams[i] = BeamRecord{X: 1, Y: 1, Dwell: 1}
		}
		Extract(frames, beams, PipelineConfig{}, nil)
	})
}
