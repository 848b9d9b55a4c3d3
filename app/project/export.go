package project

import (
	"context"
	"fmt"
	"io"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/project"
)

var statusZH = map[project.Status]string{project.StatusPlanned: "未开工", project.StatusInProgress: "推进中",
	project.StatusDelayed: "滞后", project.StatusCompleted: "已完成"}

var healthZH = map[project.RAG]string{project.Green: "绿", project.Amber: "黄", project.Red: "红"}

// Table returns the year's projects as the table reported upward
// (民生实事进展情况表): one row a project, in Chinese.
func (s *Service) Table(ctx context.Context, actor *org.User, year int) (*app.Table, error) {
	vs, err := s.List(ctx, actor, year)
	if err != nil {
		return nil, err
	}
	t := &app.Table{Name: fmt.Sprintf("%d年民生实事", year), Title: fmt.Sprintf("%d年民生实事项目进展情况表", year),
		Columns: []string{"序号", "项目编号", "项目名称", "类别", "实施区域", "投资（万元）", "责任单位", "包案领导", "状态", "进度（%）",
			"完成节点", "下一节点", "下一节点计划时间", "滞后原因", "红黄绿"}}
	for i, v := range vs {
		var next string
		var nextAt any
		for _, m := range v.Milestones {
			if m.Actual == nil {
				next, nextAt = m.Title, m.Planned
				break
			}
		}
		t.Rows = append(t.Rows, []any{i + 1, v.Code, v.Title, v.Category, v.Area, float64(v.BudgetYuan) / 10000, v.UnitName, v.Leader,
			statusZH[v.Status], v.Progress, fmt.Sprintf("%d/%d", v.Done(), len(v.Milestones)), next, nextAt, v.Explanation,
			healthZH[v.Health]})
	}
	return t, nil
}

// ExportXLSX writes the year's table as an Excel workbook.
func (s *Service) ExportXLSX(ctx context.Context, actor *org.User, year int, w io.Writer) error {
	t, err := s.Table(ctx, actor, year)
	if err != nil {
		return err
	}
	return t.WriteXLSX(w)
}
