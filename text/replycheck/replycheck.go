// Package replycheck reviews a handling unit's reply (办结回复) before it is
// accepted: it flags replies that do not address the request (the reply
// shares too few of the request's distinctive words), that lack substance
// (no action taken, no basis cited and no result reported — boilerplate
// such as "已收悉，感谢关注"), that are too short, or that come after the
// deadline. Each flag carries a reason in Chinese and in English that the
// reviewing dispatcher reads; the dispatcher decides.
//
// A Checker is built once, optionally from a sample of the deployment's
// requests and replies so that words every text has ("您好", "问题") count
// for little, and is then safe for concurrent use.
package replycheck

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/minsheng/minsheng/text"
)

// Reason codes.
const (
	ReasonEmpty       = "empty"        // the reply has no text
	ReasonTooShort    = "too_short"    // fewer characters than Config.MinChars
	ReasonOffTopic    = "off_topic"    // shares too little with the request
	ReasonNoSubstance = "no_substance" // no action, basis or result
	ReasonLate        = "late"         // replied after the deadline
)

// Reason is one flag on a reply.
type Reason struct {
	Code      string `json:"code"`
	Message   string `json:"message"`    // Chinese, for the reviewer
	MessageEN string `json:"message_en"` // English
}

// Result is the review of one reply.
type Result struct {
	// OK is true when nothing was flagged.
	OK bool `json:"ok"`
	// Relevance in [0, 1]: how far the reply takes up the request's words
	// (see Checker.Check).
	Relevance float64 `json:"relevance"`
	// Action, Basis and Outcome tell which kinds of substance were found.
	Action  bool     `json:"action"`
	Basis   bool     `json:"basis"`
	Outcome bool     `json:"outcome"`
	Reasons []Reason `json:"reasons"`
}

// Config tunes the checks. Start from DefaultConfig.
type Config struct {
	MinChars     int     // shorter replies are flagged
	MinRelevance float64 // replies less relevant than this are flagged
	Limit        int     // characters read from a text
}

// DefaultConfig returns the thresholds measured on replies.csv
// (docs/text.md).
func DefaultConfig() Config {
	return Config{MinChars: 15, MinRelevance: 0.1, Limit: 5000}
}

// Checker reviews replies.
type Checker struct {
	cfg Config
	df  map[uint64]int
	n   int
}

// NewChecker returns a checker. Corpus, which may be empty, is a sample of
// requests and replies of the deployment: the bigrams common in it weigh
// less when relevance is measured.
func NewChecker(cfg Config, corpus []string) *Checker {
	d := DefaultConfig()
	if cfg.MinChars <= 0 {
		cfg.MinChars = d.MinChars
	}
	if cfg.MinRelevance <= 0 {
		cfg.MinRelevance = d.MinRelevance
	}
	if cfg.Limit <= 0 {
		cfg.Limit = d.Limit
	}
	c := &Checker{cfg: cfg, df: map[uint64]int{}, n: len(corpus)}
	for _, s := range corpus {
		for h := range bigrams(s, cfg.Limit) {
			c.df[h]++
		}
	}
	return c
}

// Words that show substance, by kind. A reply that names none of them
// says that it received the request and nothing about what was done.
var (
	actionWords = []string{"核实", "调查", "核查", "处理", "安排", "维修", "修复", "整改", "清理", "清运", "协调", "督促",
		"联系", "现场", "查处", "约谈", "责令", "执法", "检查", "走访", "回访", "召开", "组织", "派员", "对接", "答复如下", "已将"}
	basisWords  = []string{"根据", "依据", "按照", "规定", "政策", "条例", "办法", "文件", "法律", "法规", "标准", "通知", "意见"}
	resultWords = []string{"已解决", "已完成", "已修复", "已恢复", "已清理", "已整改", "已办结", "恢复正常", "完成", "解决",
		"目前", "现已", "已经", "结果", "今后", "下一步", "计划", "预计", "将于"}
)

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// Check reviews a reply to a request (its title and description).
// deadline is the request's reply_by (zero when there is none); at is when
// the reply was given.
func (c *Checker) Check(title, body, reply string, deadline, at time.Time) Result {
	var r Result
	add := func(code, zh, en string) {
		r.Reasons = append(r.Reasons, Reason{Code: code, Message: zh, MessageEN: en})
	}
	reply = text.Cut(reply, c.cfg.Limit)
	chars := 0
	text.Scan(reply, c.cfg.Limit, func(u text.Unit) {
		if u.Kind == text.Han {
			chars++
		} else {
			chars += max(1, len(u.Text)/4)
		}
	})
	folded := text.FoldString(reply)
	switch {
	case chars == 0:
		add(ReasonEmpty, "回复没有内容。", "The reply has no text.")
	case chars < c.cfg.MinChars:
		add(ReasonTooShort, fmt.Sprintf("回复只有%d个字，过于简短。", chars),
			fmt.Sprintf("The reply is only %d characters long.", chars))
	}
	if chars > 0 {
		r.Relevance = c.relevance(title, body, reply)
		if r.Relevance < c.cfg.MinRelevance {
			add(ReasonOffTopic, fmt.Sprintf("回复与诉求内容关联度低（%.0f%%），可能未针对所反映的问题作答。", r.Relevance*100),
				fmt.Sprintf("The reply has little in common with the request (relevance %.0f%%); it may not address it.", r.Relevance*100))
		}
		r.Action = containsAny(folded, actionWords)
		r.Basis = containsAny(folded, basisWords)
		r.Outcome = containsAny(folded, resultWords)
		if !r.Action && !r.Basis && !r.Outcome {
			add(ReasonNoSubstance, "回复未说明采取的措施、依据或办理结果。",
				"The reply states no action taken, no basis and no result.")
		}
	}
	if !deadline.IsZero() && at.After(deadline) {
		late := at.Sub(deadline)
		add(ReasonLate, fmt.Sprintf("超过办理时限%s回复。", zhDuration(late)),
			fmt.Sprintf("Replied %s after the deadline.", enDuration(late)))
	}
	r.OK = len(r.Reasons) == 0
	return r
}

// relevance measures how far the reply takes up the request: the larger
// of the share of the title's bigrams that the reply repeats (replies
// usually name the matter) and five times the cosine similarity of the
// whole texts, each bigram weighted by its rarity in the corpus, capped at
// 1. A request without text gets 1: there is nothing to address.
func (c *Checker) relevance(title, body, reply string) float64 {
	rep := bigrams(reply, c.cfg.Limit)
	req := bigrams(title+"\n"+body, c.cfg.Limit)
	if len(req) == 0 {
		return 1
	}
	var cover float64
	if t := bigrams(title, c.cfg.Limit); len(t) > 0 {
		var hit, total float64
		for h := range t {
			w := c.idf(h)
			total += w
			if rep[h] {
				hit += w
			}
		}
		cover = hit / total
	}
	var dot, nq, nr float64
	for h := range req {
		w := c.idf(h)
		nq += w * w
		if rep[h] {
			dot += w * w
		}
	}
	for h := range rep {
		w := c.idf(h)
		nr += w * w
	}
	var cos float64
	if nq > 0 && nr > 0 {
		cos = dot / math.Sqrt(nq*nr)
	}
	return min(1, max(cover, 5*cos))
}

// idf is the weight of a bigram: log(N/df), at least 0.1; all bigrams weigh
// the same without a corpus.
func (c *Checker) idf(h uint64) float64 {
	return max(0.1, math.Log(float64(c.n+1)/float64(c.df[h]+1)))
}

// bigrams returns the set of adjacent Han pairs and words of s.
func bigrams(s string, limit int) map[uint64]bool {
	out := map[uint64]bool{}
	var prev text.Unit
	text.Scan(s, limit, func(u text.Unit) {
		switch {
		case u.Kind == text.Han && !u.Break && prev.Kind == text.Han:
			out[text.Combine(prev.Hash, u.Hash)] = true
		case u.Kind != text.Han:
			out[u.Hash] = true
		}
		prev = u
	})
	return out
}

func zhDuration(d time.Duration) string {
	if d >= 24*time.Hour {
		return fmt.Sprintf("%d天", int(d.Hours()/24))
	}
	if d >= time.Hour {
		return fmt.Sprintf("%d小时", int(d.Hours()))
	}
	return fmt.Sprintf("%d分钟", max(int(d.Minutes()), 1))
}

func enDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= 24*time.Hour:
		return "1 day"
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	case d >= time.Hour:
		return "1 hour"
	}
	return fmt.Sprintf("%d minutes", max(int(d.Minutes()), 1))
}
