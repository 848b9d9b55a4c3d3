package medicine

import (
	"bytes"
	"image"
	"image/color"
	"image/png"

	"github.com/minsheng/minsheng/app"
)

// The demo's photos: drawn here (a sheet with lines for a prescription,
// a bag on a coloured ground for a handover), so the demo carries no image
// files; the blob store keeps each drawing once however often it is used.

// seedPhotoKinds are the demo's drawings and their grounds.
var seedPhotoKinds = map[string]color.RGBA{
	"处方.png":   {245, 245, 240, 255},
	"药房交接.png": {60, 150, 100, 255},
	"入户交接.png": {210, 130, 60, 255},
}

// seedPhotos draws the demo's photos and stores them, by name; none when
// the server keeps no files (the demo then goes without photos).
func (s *Service) seedPhotos() map[string]app.Upload {
	out := map[string]app.Upload{}
	for name, ground := range seedPhotoKinds {
		if up, ok := s.seedPhoto(name, ground); ok {
			out[name] = up
		}
	}
	return out
}

// seedPhoto draws one demo photo and stores it.
func (s *Service) seedPhoto(name string, ground color.RGBA) (app.Upload, bool) {
	img := image.NewRGBA(image.Rect(0, 0, 240, 180))
	for y := 0; y < 180; y++ {
		for x := 0; x < 240; x++ {
			c := ground
			switch {
			case name == "处方.png" && y > 30 && y%18 < 2 && x > 24 && x < 216:
				c = color.RGBA{120, 120, 130, 255} // the lines of the sheet
			case name != "处方.png" && x > 80 && x < 160 && y > 50 && y < 150:
				c = color.RGBA{250, 250, 250, 255} // the pharmacy's bag
			case name != "处方.png" && x > 112 && x < 128 && y > 70 && y < 130, name != "处方.png" && y > 92 && y < 108 && x > 90 && x < 150:
				c = color.RGBA{200, 40, 40, 255} // its cross
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return app.Upload{}, false
	}
	up, err := s.PutPhoto(name, &buf)
	return up, err == nil
}
