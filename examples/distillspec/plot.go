package main

import (
	"image/color"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

var palette = []color.RGBA{
	{120, 120, 120, 255}, {31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255},
	{214, 39, 40, 255}, {148, 103, 189, 255}, {140, 86, 75, 255}, {227, 119, 194, 255}, {188, 189, 34, 255},
}

// plotGamma draws value(draft, decoding, γ) against γ, one line per draft, with greedy
// decoding and T = 1 side by side.
func plotGamma(path, ylabel string, names []string, gammas []int, value func(name, temp string, g int) float64) error {
	temps := []string{"greedy", "T=1"}
	plots := make([][]*plot.Plot, 1)
	for _, t := range temps {
		p := plot.New()
		p.Title.Text = t
		p.X.Label.Text = "γ (draft tokens per round)"
		p.Y.Label.Text = ylabel
		for i, n := range names {
			xys := make(plotter.XYs, len(gammas))
			for j, g := range gammas {
				xys[j].X, xys[j].Y = float64(g), value(n, t, g)
			}
			l, s, err := plotter.NewLinePoints(xys)
			if err != nil {
				return err
			}
			col := palette[i%len(palette)]
			l.Color, s.Color = col, col
			if i == 0 {
				l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			}
			p.Add(l, s)
			p.Legend.Add(n, l, s)
		}
		p.Legend.Top, p.Legend.Left = true, true
		p.Legend.TextStyle.Font.Size = vg.Points(8)
		p.Add(plotter.NewGrid())
		plots[0] = append(plots[0], p)
	}
	return saveTiles(path, plots, 11*vg.Inch, 4.5*vg.Inch)
}

// plotLossy draws speedup and task accuracy against the lenience ε of lossy decoding.
func plotLossy(path string, rows []map[string]any) error {
	sp, acc := make(plotter.XYs, len(rows)), make(plotter.XYs, len(rows))
	for i, r := range rows {
		eps := r["epsilon"].(float64)
		sp[i].X, sp[i].Y = eps, r["speedup"].(float64)
		acc[i].X, acc[i].Y = eps, r["accuracy"].(float64)
	}
	mk := func(title, ylabel string, xys plotter.XYs, col color.RGBA) (*plot.Plot, error) {
		p := plot.New()
		p.Title.Text = title
		p.X.Label.Text = "ε (lenience, f = p/ε; 1 = exact)"
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
		p.Y.Label.Text = ylabel
		l, s, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, err
		}
		l.Color, s.Color = col, col
		p.Add(l, s, plotter.NewGrid())
		if p.X.Min == p.X.Max { // a single ε: widen the range, a log axis cannot start at 0
			p.X.Min, p.X.Max = p.X.Min/2, p.X.Max*2
		}
		return p, nil
	}
	a, err := mk("lossy speculative decoding: speedup", "wall-clock speedup", sp, palette[1])
	if err != nil {
		return err
	}
	b, err := mk("lossy speculative decoding: accuracy", "test accuracy (T=1)", acc, palette[4])
	if err != nil {
		return err
	}
	return saveTiles(path, [][]*plot.Plot{{a, b}}, 10*vg.Inch, 4*vg.Inch)
}

func saveTiles(path string, plots [][]*plot.Plot, w, h vg.Length) error {
	img := vgimg.New(w, h)
	dc := draw.New(img)
	t := draw.Tiles{Rows: len(plots), Cols: len(plots[0]), PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(plots, t, dc)
	for i := range plots {
		for j, p := range plots[i] {
			p.Draw(canvases[i][j])
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
