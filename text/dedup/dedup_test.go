package dedup

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

// Places in Xining: the district office and a point 40 km away.
const (
	lat, lng       = 36.6171, 101.7432
	farLat, farLng = 36.9800, 101.7432
)

func ids(cs []Candidate) []int64 {
	var out []int64
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func mustIndex(t *testing.T, cfg Config) *Index {
	t.Helper()
	ix := NewIndex(cfg, 0)
	ix.Add(1, "海湖路与五四大街路口红绿灯不亮，车辆乱行，早高峰非常危险，请尽快维修", lat, lng, t0, "13900000001")
	ix.Add(2, "城西区文汇路幼儿园门口占道经营的小摊贩太多，孩子上下学不安全", lat+0.001, lng, t0, "13900000002")
	ix.Add(3, "胜利路菜市场夜间卸货噪音扰民，凌晨三点还在施工", NoPlace, NoPlace, t0, "13900000003")
	ix.Add(4, "小区楼下垃圾桶满了没人清运，已经三天了，臭气熏天", lat, lng, t0, "")
	return ix
}

func TestCandidates(t *testing.T) {
	tests := []struct {
		name     string
		id       int64
		text     string
		lat, lng float64
		at       time.Time
		phone    string
		want     []int64
	}{
		{"reworded copy at the same place", 0, "海湖路与五四大街路口的红绿灯不亮了！车辆乱行，早高峰很危险，请尽快修", lat, lng, t0.Add(2 * time.Hour), "18800000000", []int64{1}},
		{"full-width punctuation and spaces", 0, "城西区文汇路幼儿园门口 占道经营的小摊贩太多　孩子上下学不安全！！！", NoPlace, NoPlace, t0, "", []int64{2}},
		{"similar text forty km away", 0, "海湖路与五四大街路口的红绿灯不亮了！车辆乱行，早高峰很危险，请尽快修", farLat, farLng, t0, "", nil},
		{"short generic text elsewhere", 0, "红绿灯不亮", farLat, farLng, t0, "", nil},
		{"same caller, other matter", 0, "咨询医保报销比例和起付线", NoPlace, NoPlace, t0, "13900000001", nil},
		{"same caller with +86, similar matter", 0, "胜利路菜市场晚上卸货吵得睡不着", NoPlace, NoPlace, t0, "+86 139-0000-0003", []int64{3}},
		{"too long ago", 0, "小区楼下垃圾桶满了没人清运，已经三天了，臭气熏天", lat, lng, t0.Add(60 * 24 * time.Hour), "", nil},
		{"itself is not its own duplicate", 4, "小区楼下垃圾桶满了没人清运，已经三天了，臭气熏天", lat, lng, t0, "", nil},
		{"unrelated", 0, "建议增开到曹家堡机场的公交线路", lat, lng, t0, "", nil},
		{"empty", 0, "", NoPlace, NoPlace, t0, "", nil},
		{"emoji and punctuation only", 0, "😡😡！！？？……", lat, lng, t0, "", nil},
	}
	ix := mustIndex(t, DefaultConfig())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ix.Candidates(tt.id, tt.text, tt.lat, tt.lng, tt.at, tt.phone, 5)
			if !slices.Equal(ids(got), tt.want) {
				t.Errorf("candidates %v (%+v), want %v", ids(got), got, tt.want)
			}
			for _, c := range got {
				if c.Score < DefaultConfig().MinScore || c.Score > 1 {
					t.Errorf("score %v out of range", c.Score)
				}
			}
		})
	}
}

func TestPlaceAndCallerRaiseTheScore(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MinScore = 0.01 // see every score
	ix := mustIndex(t, cfg)
	txt := "海湖路五四大街路口红绿灯坏了，车辆乱行，请维修"
	score := func(lat, lng float64, phone string) float64 {
		t.Helper()
		cs := ix.Candidates(0, txt, lat, lng, t0, phone, 1)
		if len(cs) == 0 || cs[0].ID != 1 {
			return 0
		}
		return cs[0].Score
	}
	far := score(farLat, farLng, "")
	plain := score(NoPlace, NoPlace, "")
	near := score(lat+0.0005, lng, "")
	caller := score(lat+0.0005, lng, "13900000001")
	if !(far < plain && plain < near && near < caller) {
		t.Errorf("scores: far away %.2f, text only %.2f, same place %.2f, same place and caller %.2f; want increasing", far, plain, near, caller)
	}
}

func TestRemoveAndReplace(t *testing.T) {
	ix := mustIndex(t, DefaultConfig())
	txt := "海湖路与五四大街路口红绿灯不亮，车辆乱行，早高峰非常危险，请尽快维修"
	if !ix.Remove(1) || ix.Remove(1) {
		t.Fatal("Remove(1) should succeed once")
	}
	if got := ix.Candidates(0, txt, lat, lng, t0, "", 5); len(got) != 0 {
		t.Errorf("removed ticket still found: %v", ids(got))
	}
	// Re-adding an id replaces its text.
	ix.Add(2, txt, lat, lng, t0, "")
	if got := ix.Candidates(0, txt, lat, lng, t0, "", 5); !slices.Equal(ids(got), []int64{2}) {
		t.Errorf("after replacing 2: %v, want [2]", ids(got))
	}
	if ix.Len() != 3 {
		t.Errorf("Len = %d, want 3", ix.Len())
	}
}

func TestVeryLongTextIsCut(t *testing.T) {
	ix := NewIndex(DefaultConfig(), 0)
	long := strings.Repeat("垃圾没人清运，", 200000)
	start := time.Now()
	ix.Add(1, long, NoPlace, NoPlace, t0, "")
	got := ix.Candidates(0, long+"再补充一句", NoPlace, NoPlace, t0, "", 5)
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v; text must be cut at the limit", d)
	}
	if !slices.Equal(ids(got), []int64{1}) {
		t.Errorf("got %v, want [1]", ids(got))
	}
}

func TestConcurrentUse(t *testing.T) {
	ix := NewIndex(DefaultConfig(), 0)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 500 {
			ix.Add(int64(i), fmt.Sprintf("第%d号楼电梯坏了", i), lat, lng, t0, "")
		}
	}()
	for range 500 {
		ix.Candidates(0, "3号楼电梯坏了", lat, lng, t0, "", 3)
	}
	<-done
	if ix.Len() != 500 {
		t.Errorf("Len = %d, want 500", ix.Len())
	}
}
