package medicine

import (
	"testing"

	"github.com/minsheng/minsheng"
)

// Who may add photos of what, in which status: every status × subject ×
// party against the rule written out.
func TestCheckPhotos(t *testing.T) {
	may := map[PhotoOf]struct {
		from []Status
		who  []Party
	}{
		PhotoPrescription: {[]Status{StatusRequested, StatusVerified, StatusSourcing, StatusSourced, StatusDelivering, StatusDelivered,
			StatusConfirmed}, []Party{PartyPost, PartyAgent}},
		PhotoHandover: {[]Status{StatusDelivering, StatusDelivered, StatusConfirmed}, []Party{PartyPost, PartyCarrier}},
		PhotoDelivery: {[]Status{StatusDelivered, StatusConfirmed}, []Party{PartyPost, PartyCarrier}},
	}
	in := func(xs []Status, s Status) bool {
		for _, x := range xs {
			if x == s {
				return true
			}
		}
		return false
	}
	for _, of := range PhotoOfs {
		for _, s := range Statuses {
			for _, p := range Parties {
				err := CheckPhotos(s, of, p)
				want := ""
				switch {
				case !containsParty(may[of].who, p):
					want = minsheng.EFORBIDDEN
				case !in(may[of].from, s):
					want = minsheng.ECONFLICT
				}
				if minsheng.ErrorCode(err) != want {
					t.Errorf("%s photos of a %s request by %s: %v, want %q", of, s, p, err, want)
				}
			}
		}
	}
	if err := CheckPhotos(StatusDelivering, "selfie", PartyPost); minsheng.ErrorCode(err) != minsheng.EINVALID {
		t.Errorf("an unknown subject: %v", err)
	}
	for ct, ok := range map[string]bool{"image/png": true, "image/jpeg": true, "image/webp": true, "image/gif": true,
		"application/pdf": false, "text/plain; charset=utf-8": false, "image/svg+xml": false} {
		if PhotoType(ct) != ok {
			t.Errorf("PhotoType(%q) = %v", ct, !ok)
		}
	}
}

func containsParty(ps []Party, p Party) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}
