package main

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

// canvas is a small RGBA drawing surface for the example's figures.
type canvas struct{ *image.RGBA }

func newCanvas(w, h int, bg color.Color) canvas {
	c := canvas{image.NewRGBA(image.Rect(0, 0, w, h))}
	for y := range h {
		for x := range w {
			c.Set(x, y, bg)
		}
	}
	return c
}

func (c canvas) disc(x, y, r float64, col color.Color) {
	for yy := int(y - r - 1); yy <= int(y+r+1); yy++ {
		for xx := int(x - r - 1); xx <= int(x+r+1); xx++ {
			dx, dy := float64(xx)+0.5-x, float64(yy)+0.5-y
			if dx*dx+dy*dy <= r*r {
				c.Set(xx, yy, col)
			}
		}
	}
}

func (c canvas) line(x0, y0, x1, y1, width float64, col color.Color) {
	n := int(math.Max(math.Abs(x1-x0), math.Abs(y1-y0))*2) + 1
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		c.disc(x0+t*(x1-x0), y0+t*(y1-y0), width/2, col)
	}
}

func (c canvas) cross(x, y, r float64, col color.Color) {
	c.line(x-r, y, x+r, y, 1.5, col)
	c.line(x, y-r, x, y+r, 1.5, col)
}

func (c canvas) ring(x, y, r float64, col color.Color) {
	n := int(2*math.Pi*r) + 8
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		c.Set(int(x+r*math.Cos(a)), int(y+r*math.Sin(a)), col)
	}
}

// colormap maps v in [0, 1] to a dark-blue → teal → yellow ramp.
func colormap(v float64) color.RGBA {
	v = math.Max(0, math.Min(1, v))
	stops := [][3]float64{{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}}
	f := v * float64(len(stops)-1)
	i := min(int(f), len(stops)-2)
	t := f - float64(i)
	var out [3]uint8
	for k := range 3 {
		out[k] = uint8(stops[i][k] + t*(stops[i+1][k]-stops[i][k]))
	}
	return color.RGBA{out[0], out[1], out[2], 255}
}

func (c canvas) save(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, c.RGBA); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
