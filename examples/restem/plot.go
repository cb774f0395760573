package main

import (
	"image/color"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// errPoints are points with symmetric vertical error bars.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

// plotIterations draws test pass@1 (mean ± standard error over seeds) by iteration, one line
// per task; iteration 0 is the SFT baseline, drawn as a dashed horizontal line as well.
func plotIterations(path string, series []plotSeries) error {
	p := plot.New()
	p.Title.Text = "ReST-EM: greedy test pass@1 by iteration"
	p.X.Label.Text = "iteration (0 = SFT on human data)"
	p.Y.Label.Text = "test pass@1"
	p.Add(plotter.NewGrid())
	for i, s := range series {
		pts := errPoints{XYs: make(plotter.XYs, len(s.Mean)), YErrors: make(plotter.YErrors, len(s.Mean))}
		for it := range s.Mean {
			pts.XYs[it] = plotter.XY{X: float64(it), Y: s.Mean[it]}
			pts.YErrors[it].Low, pts.YErrors[it].High = s.StdErr[it], s.StdErr[it]
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		c := plotutil.Color(i)
		line.Color, points.Color = c, c
		bars, err := plotter.NewYErrorBars(pts)
		if err != nil {
			return err
		}
		bars.Color = c
		base := plotter.NewFunction(func(float64) float64 { return s.Mean[0] })
		base.Color = withAlpha(c)
		base.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(line, points, bars, base)
		p.Legend.Add(s.Task+" ReST-EM", line, points)
		p.Legend.Add(s.Task+" SFT baseline", base)
	}
	p.Legend.Top = true
	p.Legend.Left = true
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return p.Save(6*vg.Inch, 4*vg.Inch, path)
}

func withAlpha(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 160}
}
