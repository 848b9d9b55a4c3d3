package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/project"
)

// This file holds the public livelihood projects (民生实事, package
// project) and their milestones.

const projectColumns = `p.id, p.year, p.code, p.title, p.category, p.area, p.summary, p.budget_yuan, p.unit_id, COALESCE(u.name, ''),
	p.unit_path, p.leader, p.status, p.progress, p.explanation, p.updated_at, p.version, p.parent_id,
	COALESCE((SELECT q.code FROM projects q WHERE q.id = p.parent_id), '')`

func scanProject(s scanner) (*project.Project, error) {
	var p project.Project
	var parent sql.NullInt64
	err := s.Scan(&p.ID, &p.Year, &p.Code, &p.Title, &p.Category, &p.Area, &p.Summary, &p.BudgetYuan, &p.UnitID, &p.UnitName,
		&p.UnitPath, &p.Leader, &p.Status, &p.Progress, &p.Explanation, &p.UpdatedAt, &p.Version, &parent, &p.Parent)
	p.UpdatedAt, p.ParentID = p.UpdatedAt.UTC(), parent.Int64
	return &p, err
}

// InsertProject writes a project and its milestones.
func InsertProject(ctx context.Context, tx *Tx, p *project.Project) error {
	_, err := tx.Exec(ctx, `INSERT INTO projects (id, year, code, title, category, area, summary, budget_yuan, unit_id, unit_path,
		leader, status, progress, explanation, updated_at, version, parent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.Year, p.Code, p.Title, p.Category, p.Area, p.Summary, p.BudgetYuan, p.UnitID, p.UnitPath, p.Leader, p.Status,
		p.Progress, p.Explanation, p.UpdatedAt.UTC(), p.Version, nullID(p.ParentID))
	if IsUnique(err) {
		return minsheng.FieldError("code", "a project numbered %s exists", p.Code)
	}
	if err != nil {
		return fmt.Errorf("insert project: %w", err)
	}
	return writeMilestones(ctx, tx, p)
}

func writeMilestones(ctx context.Context, tx *Tx, p *project.Project) error {
	if _, err := tx.Exec(ctx, `DELETE FROM project_milestones WHERE project_id = ?`, p.ID); err != nil {
		return fmt.Errorf("write milestones: %w", err)
	}
	for _, m := range p.Milestones {
		if _, err := tx.Exec(ctx, `INSERT INTO project_milestones (project_id, seq, title, planned, actual, evidence)
			VALUES (?, ?, ?, ?, ?, ?)`, p.ID, m.Seq, m.Title, m.Planned.UTC(), nullTime(m.Actual), m.Evidence); err != nil {
			return fmt.Errorf("write milestones: %w", err)
		}
	}
	return nil
}

// UpdateProject writes a project's status, progress, explanation and
// milestones if its version is still p.Version-1: ECONFLICT otherwise.
func UpdateProject(ctx context.Context, tx *Tx, p *project.Project) error {
	err := changeOne(ctx, tx, "update project", stale("project"),
		`UPDATE projects SET status = ?, progress = ?, explanation = ?, updated_at = ?, version = ?
		WHERE id = ? AND version = ?`, p.Status, p.Progress, p.Explanation, p.UpdatedAt.UTC(), p.Version, p.ID, p.Version-1)
	if err != nil {
		return err
	}
	return writeMilestones(ctx, tx, p)
}

// GetProject returns a project by code or id, with its milestones, or
// ENOTFOUND.
func GetProject(ctx context.Context, tx *Tx, ref string) (*project.Project, error) {
	p, err := getOne(ctx, tx, scanProject, "project", ref, `SELECT `+projectColumns+` FROM projects p LEFT JOIN units u ON u.id = p.unit_id
		WHERE p.code = ? OR CAST(p.id AS TEXT) = ?`, ref, ref)
	if err != nil {
		return nil, err
	}
	if p.Milestones, err = listMilestones(ctx, tx, p.ID); err != nil {
		return nil, err
	}
	return p, nil
}

func listMilestones(ctx context.Context, tx *Tx, id int64) ([]project.Milestone, error) {
	ms, err := queryAll(ctx, tx, func(s scanner) (project.Milestone, error) {
		var m project.Milestone
		var actual sql.NullTime
		err := s.Scan(&m.Seq, &m.Title, &m.Planned, &actual, &m.Evidence)
		m.Planned, m.Actual = m.Planned.UTC(), timePtr(actual)
		return m, err
	}, `SELECT seq, title, planned, actual, evidence FROM project_milestones WHERE project_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("list milestones: %w", err)
	}
	if ms == nil {
		ms = []project.Milestone{}
	}
	return ms, nil
}

// ListProjects returns the projects of a year by code, with their
// milestones.
func ListProjects(ctx context.Context, tx *Tx, year int) ([]*project.Project, error) {
	ps, err := queryAll(ctx, tx, scanProject, `SELECT `+projectColumns+` FROM projects p LEFT JOIN units u ON u.id = p.unit_id
		WHERE p.year = ? ORDER BY p.code`, year)
	if err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	for _, p := range ps {
		if p.Milestones, err = listMilestones(ctx, tx, p.ID); err != nil {
			return nil, err
		}
	}
	return ps, nil
}

// ListProjectParts returns the parts of a project by code, with their
// milestones.
func ListProjectParts(ctx context.Context, tx *Tx, parentID int64) ([]*project.Project, error) {
	ps, err := queryAll(ctx, tx, scanProject, `SELECT `+projectColumns+` FROM projects p LEFT JOIN units u ON u.id = p.unit_id
		WHERE p.parent_id = ? ORDER BY p.code`, parentID)
	if err != nil {
		return nil, fmt.Errorf("list project parts: %w", err)
	}
	for _, p := range ps {
		if p.Milestones, err = listMilestones(ctx, tx, p.ID); err != nil {
			return nil, err
		}
	}
	return ps, nil
}
