package sim

import (
	"bytes"
	"image/gif"
	"image/png"
	"testing"
)

func TestRenderPNGAndGIF(t *testing.T) {
	sc := testScene(8)
	sm := NewSimulator(sc, Group{Objects: []int{0}, Actor: ConstantVelocity{}, Dynamics: Bicycle{}})
	rec := &GIFRecorder{Config: RenderConfig{Width: 160, Height: 120, Span: 80}}
	rec.Add(sm.State)
	for range 5 {
		sm.Step()
		rec.Add(sm.State)
	}
	var buf bytes.Buffer
	if err := WritePNG(&buf, sm.State, RenderConfig{Width: 200, Height: 200}); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil || img.Bounds().Dx() != 200 {
		t.Fatalf("png: %v", err)
	}
	// The SDC is centred: its colour is at the middle pixel.
	im := Render(sm.State, RenderConfig{Width: 200, Height: 200})
	if im.ColorIndexAt(97, 100) != cSDC {
		t.Fatalf("centre pixel colour %d, want the SDC's", im.ColorIndexAt(97, 100))
	}
	// The road edge at y = −2 is drawn 2 m × 200/120 px/m below the centre.
	found := false
	for dy := 0; dy < 3; dy++ {
		if im.ColorIndexAt(20, 100+3+dy) == cEdge {
			found = true
		}
	}
	if !found {
		t.Fatal("road edge not drawn")
	}
	buf.Reset()
	if err := rec.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(&buf)
	if err != nil || len(g.Image) != 6 {
		t.Fatalf("gif: %v, %d frames", err, len(g.Image))
	}
}
