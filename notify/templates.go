package notify

import (
	"fmt"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng/calendar"
)

// Languages of messages.
const (
	LangZH = "zh"
	LangEN = "en"
)

// Template names. Resident messages go by SMS; staff messages by e-mail
// (subject and body) or SMS (body).
const (
	ResidentRegistered   = "resident.registered"   // the request was registered (受理): its number and tracking link
	ResidentAcknowledged = "resident.acknowledged" // the handling unit took the request (签收)
	ResidentReplied      = "resident.replied"      // the handling unit answered (办结回复)
	ResidentMerged       = "resident.merged"       // the request was merged into another about the same matter (重复件)
	HandlerDispatched    = "handler.dispatched"    // a ticket was dispatched or redispatched to the unit (派单)
	HandlerReminded      = "handler.reminded"      // a deadline is near (催办)
	HandlerSupervised    = "handler.supervised"    // a deadline has passed (督办)
	EventSummary         = "event"                 // one line about any event, for webhooks
	UnitDigest           = "unit.digest"           // the morning summary of a unit's open work
	AdminReveals         = "admin.reveals"         // a user revealed many callers' personal data in a short time
)

// Data is what a template may show about a ticket and an event. The
// caller's name and phone are never part of it.
type Data struct {
	Number    string
	Title     string
	Kind      string // code: complaint, inquiry, …
	Urgency   string // code: normal, urgent, critical
	Status    string // code
	Action    string // code of the event's action
	Unit      string // name of the handling unit
	Note      string // the event's note (dispatch instructions, reminder text)
	Reply     string // the unit's answer
	Recipient string // name of the staff member written to
	Parent    string // number of the ticket a duplicate was merged into
	// Link is the caller's own link to the request's tracking page (with
	// a token: it lets them follow and rate it); Lookup the public address
	// of the lookup by number and phone. Both empty when the server has no
	// public address.
	Link   string
	Lookup string

	// The daily digest's counts of a unit's open work, and its date.
	Date                                 string
	Open, AwaitingAck, DueToday, Overdue int
	// AcknowledgeBy and ReplyBy are the deadlines, zero if unset; they are
	// shown in China time.
	AcknowledgeBy time.Time
	ReplyBy       time.Time

	// Actor names a staff user ("wangli（王丽）") and Count how many
	// callers they revealed in the last Minutes, for AdminReveals.
	Actor   string
	Count   int
	Minutes int
}

// The templates, by language and name. Each defines "body" and, for
// e-mail, "subject". SMS bodies are kept short: a Chinese SMS holds 70
// characters, longer ones are sent in parts.
var sources = map[string]map[string]string{
	LangZH: {
		ResidentRegistered:   `{{define "body"}}【民生热线】您反映的“{{cut .Title 20}}”已受理，工单号{{.Number}}。{{if .Link}}查看进度：{{.Link}}{{else}}凭工单号和手机号可在民生服务平台查询进度。{{end}}{{end}}`,
		ResidentAcknowledged: `{{define "body"}}【民生热线】您反映的“{{cut .Title 20}}”（工单号{{.Number}}）已由{{.Unit}}签收办理，请耐心等待。凭工单号和手机号可在{{if .Lookup}} {{.Lookup}} {{else}}民生服务平台{{end}}查询进度。{{end}}`,
		ResidentReplied:      `{{define "body"}}【民生热线】您反映的“{{cut .Title 20}}”（工单号{{.Number}}）已办结：{{cut .Reply 60}} {{if .Link}}请评价办理结果：{{.Link}} （链接仅供本人使用）{{else}}稍后将有工作人员回访，感谢您的支持。{{end}}{{end}}`,
		ResidentMerged:       `{{define "body"}}【民生热线】您反映的“{{cut .Title 20}}”（工单号{{.Number}}）与工单{{.Parent}}为同一问题，已合并办理，办理进展将短信告知您。{{end}}`,
		HandlerDispatched: `{{define "subject"}}【新工单】{{.Number}} {{cut .Title 30}}{{end}}` +
			`{{define "body"}}{{if .Recipient}}{{.Recipient}}，您好：

{{end}}工单 {{.Number}} 已派至{{.Unit}}，请及时签收办理。

标题：{{.Title}}
类型：{{kind .Kind}}　紧急程度：{{urgency .Urgency}}
签收时限：{{when .AcknowledgeBy}}
办理时限：{{when .ReplyBy}}
{{if .Note}}派单意见：{{.Note}}
{{end}}
—— 民生服务平台（本邮件由系统发送，请勿直接回复）{{end}}`,
		HandlerReminded: `{{define "subject"}}【催办】工单 {{.Number}} 将于 {{when .ReplyBy}} 到期{{end}}` +
			`{{define "body"}}{{if .Recipient}}{{.Recipient}}，您好：

{{end}}{{.Unit}}承办的工单 {{.Number}}“{{cut .Title 30}}”将于 {{when .ReplyBy}} 到期，请抓紧办理并按时回复。
{{if .Note}}{{.Note}}
{{end}}
—— 民生服务平台{{end}}`,
		HandlerSupervised: `{{define "subject"}}【督办】工单 {{.Number}} 已超期{{end}}` +
			`{{define "body"}}{{if .Recipient}}{{.Recipient}}，您好：

{{end}}{{.Unit}}承办的工单 {{.Number}}“{{cut .Title 30}}”已超过办理时限（{{when .ReplyBy}}），现予督办，请立即办理并说明情况。
{{if .Note}}督办意见：{{.Note}}
{{end}}
—— 民生服务平台{{end}}`,
		UnitDigest: `{{define "subject"}}【每日提醒】{{.Unit}}：在办 {{.Open}} 件，逾期 {{.Overdue}} 件{{end}}` +
			`{{define "body"}}{{if .Recipient}}{{.Recipient}}，您好：

{{end}}{{.Date}} {{.Unit}}工单情况：
在办 {{.Open}} 件，其中待签收 {{.AwaitingAck}} 件，今日到期 {{.DueToday}} 件，已逾期 {{.Overdue}} 件。
请登录民生服务平台及时处理。

—— 民生服务平台{{end}}`,
		EventSummary: `{{define "body"}}工单 {{.Number}}：{{action .Action}}{{if .Unit}}（{{.Unit}}）{{end}}，当前状态：{{status .Status}}{{end}}`,
		AdminReveals: `{{define "subject"}}【安全提醒】{{.Actor}} {{.Minutes}} 分钟内查看了 {{.Count}} 位来电人的个人信息{{end}}` +
			`{{define "body"}}{{if .Recipient}}{{.Recipient}}，您好：

{{end}}用户 {{.Actor}} 在 {{.Minutes}} 分钟内查看了 {{.Count}} 张工单来电人的姓名和电话，已超过提醒阈值。
每次查看的理由记录在审计日志中，请登录民生服务平台核查。

—— 民生服务平台{{end}}`,
	},
	LangEN: {
		ResidentRegistered:   `{{define "body"}}[Minsheng hotline] "{{cut .Title 20}}" registered as No. {{.Number}}. {{if .Link}}Follow it: {{.Link}}{{else}}Look it up with the number and your phone.{{end}}{{end}}`,
		ResidentAcknowledged: `{{define "body"}}[Minsheng hotline] No. {{.Number}} "{{cut .Title 20}}" taken up by {{.Unit}}. Look it up with the number and your phone{{if .Lookup}} at {{.Lookup}}{{end}}.{{end}}`,
		ResidentReplied:      `{{define "body"}}[Minsheng hotline] Request "{{cut .Title 20}}" (No. {{.Number}}) answered: {{cut .Reply 40}} {{if .Link}}Rate the outcome: {{.Link}}{{else}}We will call you back.{{end}}{{end}}`,
		ResidentMerged:       `{{define "body"}}[Minsheng hotline] Request No. {{.Number}} is merged into No. {{.Parent}} (same matter). We will text you its progress.{{end}}`,
		HandlerDispatched: `{{define "subject"}}[New ticket] {{.Number}} {{cut .Title 30}}{{end}}` +
			`{{define "body"}}{{if .Recipient}}Dear {{.Recipient}},

{{end}}Ticket {{.Number}} has been dispatched to {{.Unit}}. Please acknowledge and handle it in time.

Title: {{.Title}}
Kind: {{kind .Kind}}; urgency: {{urgency .Urgency}}
Acknowledge by: {{when .AcknowledgeBy}}
Reply by: {{when .ReplyBy}}
{{if .Note}}Dispatcher's note: {{.Note}}
{{end}}
-- Minsheng service platform (automatic message, do not reply){{end}}`,
		HandlerReminded: `{{define "subject"}}[Reminder] Ticket {{.Number}} is due {{when .ReplyBy}}{{end}}` +
			`{{define "body"}}{{if .Recipient}}Dear {{.Recipient}},

{{end}}Ticket {{.Number}} "{{cut .Title 30}}", handled by {{.Unit}}, is due {{when .ReplyBy}}. Please reply in time.
{{if .Note}}{{.Note}}
{{end}}
-- Minsheng service platform{{end}}`,
		HandlerSupervised: `{{define "subject"}}[Supervision] Ticket {{.Number}} is overdue{{end}}` +
			`{{define "body"}}{{if .Recipient}}Dear {{.Recipient}},

{{end}}Ticket {{.Number}} "{{cut .Title 30}}", handled by {{.Unit}}, passed its deadline ({{when .ReplyBy}}) and is now under supervision. Please handle it at once and report.
{{if .Note}}Supervisor's note: {{.Note}}
{{end}}
-- Minsheng service platform{{end}}`,
		UnitDigest: `{{define "subject"}}[Daily] {{.Unit}}: {{.Open}} open, {{.Overdue}} overdue{{end}}` +
			`{{define "body"}}{{if .Recipient}}Dear {{.Recipient}},

{{end}}Open work of {{.Unit}} on {{.Date}}:
{{.Open}} open tickets: {{.AwaitingAck}} to acknowledge, {{.DueToday}} due today, {{.Overdue}} overdue.
Please sign in to the Minsheng platform to handle them.

-- Minsheng service platform{{end}}`,
		EventSummary: `{{define "body"}}Ticket {{.Number}}: {{action .Action}}{{if .Unit}} ({{.Unit}}){{end}}; now {{status .Status}}{{end}}`,
		AdminReveals: `{{define "subject"}}[Security] {{.Actor}} revealed {{.Count}} callers' personal data in {{.Minutes}} minutes{{end}}` +
			`{{define "body"}}{{if .Recipient}}Dear {{.Recipient}},

{{end}}User {{.Actor}} revealed the name and phone of {{.Count}} callers in {{.Minutes}} minutes, past the alert threshold.
The reason given for each reveal is in the audit log; please sign in to the Minsheng platform to review them.

-- Minsheng service platform{{end}}`,
	},
}

// labels name the codes that templates show, per language.
var labels = map[string]map[string]string{
	LangZH: {
		"kind.inquiry": "咨询", "kind.help": "求助", "kind.complaint": "投诉", "kind.report": "举报",
		"kind.suggestion": "建议", "kind.praise": "表扬",
		"urgency.normal": "一般", "urgency.urgent": "紧急", "urgency.critical": "特急",
		"status.registered": "已受理", "status.resolved_at_intake": "直接办结", "status.dispatched": "已派单",
		"status.acknowledged": "已签收", "status.returned": "已退单", "status.replied": "已办结回复",
		"status.closed": "已结案", "status.reopened": "重办", "status.merged": "已合并", "status.invalid": "无效件",
		"action.register": "受理", "action.resolve_at_intake": "直接办结", "action.dispatch": "派单",
		"action.acknowledge": "签收", "action.return": "退单", "action.redispatch": "改派", "action.reply": "办结回复",
		"action.callback": "回访", "action.close": "结案", "action.reopen": "重办", "action.merge": "合并",
		"action.invalidate": "无效件", "action.attach": "补充材料", "action.remind": "催办", "action.supervise": "督办",
		"action.extend": "延期", "action.categorize": "分类",
		"none": "未设定",
	},
	LangEN: {
		"kind.inquiry": "inquiry", "kind.help": "help", "kind.complaint": "complaint", "kind.report": "report",
		"kind.suggestion": "suggestion", "kind.praise": "praise",
		"urgency.normal": "normal", "urgency.urgent": "urgent", "urgency.critical": "critical",
		"status.registered": "registered", "status.resolved_at_intake": "resolved at intake", "status.dispatched": "dispatched",
		"status.acknowledged": "acknowledged", "status.returned": "returned", "status.replied": "replied",
		"status.closed": "closed", "status.reopened": "reopened", "status.merged": "merged", "status.invalid": "invalid",
		"action.register": "registered", "action.resolve_at_intake": "resolved at intake", "action.dispatch": "dispatched",
		"action.acknowledge": "acknowledged", "action.return": "returned", "action.redispatch": "redispatched",
		"action.reply": "replied", "action.callback": "called back", "action.close": "closed", "action.reopen": "reopened",
		"action.merge": "merged", "action.invalidate": "marked invalid", "action.attach": "files added",
		"action.remind": "reminder", "action.supervise": "supervision", "action.extend": "extension",
		"action.categorize": "categorised",
		"none":              "not set",
	},
}

// templates holds the parsed templates by language and name. They are
// parsed when the program starts; a broken one stops it.
var templates = parseAll()

func parseAll() map[string]map[string]*template.Template {
	out := map[string]map[string]*template.Template{}
	for lang, set := range sources {
		out[lang] = map[string]*template.Template{}
		for name, src := range set {
			out[lang][name] = template.Must(template.New(name).Funcs(funcs(lang)).Option("missingkey=error").Parse(src))
		}
	}
	return out
}

func funcs(lang string) template.FuncMap {
	label := func(prefix, code string) string {
		if s, ok := labels[lang][prefix+code]; ok {
			return s
		}
		return code
	}
	return template.FuncMap{
		"kind":    func(c string) string { return label("kind.", c) },
		"urgency": func(c string) string { return label("urgency.", c) },
		"status":  func(c string) string { return label("status.", c) },
		"action":  func(c string) string { return label("action.", c) },
		"cut":     cut,
		"when": func(t time.Time) string {
			if t.IsZero() {
				return labels[lang]["none"]
			}
			return t.In(calendar.China).Format("2006-01-02 15:04")
		},
	}
}

// cut shortens s to n characters (not bytes), marking the cut with "…",
// and puts it on one line.
func cut(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// Lang returns a supported language for the code: en for English, zh for
// everything else.
func Lang(code string) string {
	if strings.HasPrefix(strings.ToLower(code), "en") {
		return LangEN
	}
	return LangZH
}

// Render fills the named template in the language. The subject is empty
// for templates without one (SMS).
func Render(lang, name string, d Data) (subject, body string, err error) {
	t := templates[Lang(lang)][name]
	if t == nil {
		return "", "", fmt.Errorf("render: no template %q", name)
	}
	var b strings.Builder
	if t.Lookup("subject") != nil {
		if err := t.ExecuteTemplate(&b, "subject", d); err != nil {
			return "", "", fmt.Errorf("render %s subject: %w", name, err)
		}
		subject = b.String()
		b.Reset()
	}
	if err := t.ExecuteTemplate(&b, "body", d); err != nil {
		return "", "", fmt.Errorf("render %s: %w", name, err)
	}
	return subject, b.String(), nil
}

// Templates lists the template names, for tests and documentation.
func Templates() []string {
	return []string{ResidentRegistered, ResidentAcknowledged, ResidentReplied, ResidentMerged, HandlerDispatched, HandlerReminded, HandlerSupervised, EventSummary, UnitDigest, AdminReveals}
}
