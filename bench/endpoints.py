"""The endpoints `bench/run` measures, each with the bare SQL that fetches the same rows.

Add a page in one line of ENDPOINTS (and its bare SQL above it). `url` and `sql` take the
context of `CONTEXT_SQL` (`{case}` in the URL, `%(case)s` in SQL); statements of one bare SQL are
separated by ";\\n" and run in order on one connection; one returning a single column
`visible` (`READ_VISIBLE`) passes the ids of the user's cases on as `%(visible)s`. `who`:
regisseur, accounthouder, itat, beheerder, expertgroep, programme_team (session) or system (the
POLITIE partner system, by token). `kind`: which empty view is the floor ("page" or "api").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    name: str
    who: str
    url: str
    sql: str
    kind: str = "page"


# --- the context: realistic users and objects, chosen from the generated data -----------------

CONTEXT_SQL = [
    (
        "view_case permission",
        """SELECT p.id AS view_perm FROM auth_permission p
             JOIN django_content_type ct ON ct.id = p.content_type_id
            WHERE ct.app_label = 'cases' AND p.codename = 'view_case'""",
    ),
    (
        "regisseur of RN with the median caseload",
        """WITH loads AS (
               SELECT c.regisseur_id AS id, count(*) AS n
                 FROM cases_case c
                 JOIN partners_user u ON u.id = c.regisseur_id
                 JOIN partners_organisation o ON o.id = u.organisation_id
                WHERE c.status = 'in_regie' AND o.code = 'RN' AND u.is_active
                GROUP BY 1)
           SELECT l.id AS regisseur, l.n AS regisseur_cases, u.organisation_id AS regisseur_org,
                  o.group_id AS regisseur_group
             FROM loads l JOIN partners_user u ON u.id = l.id
             JOIN partners_organisation o ON o.id = u.organisation_id
            ORDER BY l.n, l.id OFFSET (SELECT count(*) / 2 FROM loads) LIMIT 1""",
    ),
    (
        "typical case of that regisseur (plan in force, UVOs, police on the team)",
        """WITH mine AS (
               SELECT c.id, c.person_id, c.accounthouder_id,
                      (SELECT count(*) FROM meetings_agreement a WHERE a.case_id = c.id) AS n
                 FROM cases_case c
                WHERE c.regisseur_id = %(regisseur)s AND c.status = 'in_regie'
                  AND EXISTS (SELECT 1 FROM plans_plan p
                               WHERE p.case_id = c.id AND p.status = 'approved')
                  AND EXISTS (SELECT 1 FROM meetings_uvomeeting m
                               WHERE m.case_id = c.id AND m.status = 'held')
                  AND EXISTS (SELECT 1 FROM cases_casegroupobjectpermission g
                                JOIN partners_organisation o ON o.group_id = g.group_id
                               WHERE g.content_object_id = c.id AND o.code = 'POLITIE'))
           SELECT id AS "case", person_id AS person, accounthouder_id AS accounthouder
             FROM mine ORDER BY n, id OFFSET (SELECT count(*) / 2 FROM mine) LIMIT 1""",
    ),
    (
        "its plan in force, last held UVO, last agreement",
        """SELECT (SELECT id FROM plans_plan WHERE case_id = %(case)s AND status = 'approved')
                      AS plan,
                  (SELECT id FROM meetings_uvomeeting WHERE case_id = %(case)s
                      AND status = 'held' ORDER BY held_on DESC, id DESC LIMIT 1) AS uvo,
                  (SELECT id FROM meetings_agreement WHERE case_id = %(case)s
                      ORDER BY id DESC LIMIT 1) AS agreement""",
    ),
    (
        "accounthouder's organisation",
        """SELECT u.organisation_id AS accounthouder_org, o.group_id AS accounthouder_group
             FROM partners_user u JOIN partners_organisation o ON o.id = u.organisation_id
            WHERE u.id = %(accounthouder)s""",
    ),
    (
        "ITAT member",
        """SELECT u.id AS itat, o.group_id AS itat_group, o.id AS itat_org FROM partners_user u
             JOIN partners_organisation o ON o.id = u.organisation_id
            WHERE u.username = 'bench.itat.00'""",
    ),
    (
        "next ITAT meeting with an agenda",
        """SELECT m.id AS meeting FROM plans_itatmeeting m
            WHERE EXISTS (SELECT 1 FROM plans_plan p
                           WHERE p.itat_meeting_id = m.id AND p.status = 'submitted')
            ORDER BY m.date LIMIT 1""",
    ),
    (
        "programme team member",
        """SELECT u.id AS programme_team, o.group_id AS programme_team_group,
                  o.id AS programme_team_org
             FROM partners_user u JOIN partners_organisation o ON o.id = u.organisation_id
            WHERE u.username = 'bench.pt.00'""",
    ),
    (
        "beheerder",
        """SELECT u.id AS beheerder, o.group_id AS beheerder_group, o.id AS beheerder_org
             FROM partners_user u JOIN partners_organisation o ON o.id = u.organisation_id
            WHERE u.username = 'bench.beheer.0'""",
    ),
    (
        "Expertgroep member",
        """SELECT u.id AS expertgroep, o.group_id AS expertgroep_group, o.id AS expertgroep_org
             FROM partners_user u JOIN partners_organisation o ON o.id = u.organisation_id
            WHERE u.username = 'bench.expert.00'""",
    ),
    (
        "partner system of the police (its key: bench.generate.bench_api_key)",
        """SELECT u.id AS system, o.code AS system_org_code,
                  o.id AS system_org, o.group_id AS system_group
             FROM partners_user u JOIN partners_organisation o ON o.id = u.organisation_id
            WHERE u.username = 'bench.system.politie'""",
    ),
    (
        "the police system's webhook subscription (bench.generate.ensure_bench_webhooks)",
        """SELECT s.id AS webhook FROM meetings_webhooksubscription s
             JOIN partners_user u ON u.id = s.user_id
            WHERE u.username = 'bench.system.politie' ORDER BY s.id LIMIT 1""",
    ),
    (
        "the police system's API key",
        """SELECT k.prefix AS api_key FROM partners_apikey k
             JOIN partners_user u ON u.id = k.user_id
            WHERE u.username = 'bench.system.politie' AND NOT k.revoked
            ORDER BY k.created DESC, k.id LIMIT 1""",
    ),
    (
        "a non-health goal of that plan, and the case's programme",
        """SELECT (SELECT id FROM plans_plangoal WHERE plan_id = %(plan)s AND leefgebied <> 9
                    ORDER BY leefgebied, id LIMIT 1) AS goal,
                  (SELECT pr.code FROM cases_case c JOIN cases_programme pr
                      ON pr.id = c.programme_id WHERE c.id = %(case)s) AS programme_code""",
    ),
    (
        "that regisseur's latest case in outflow (or closed) with goals handed over",
        """SELECT c.id AS outflow_case, c.person_id AS outflow_person FROM cases_case c
            WHERE c.regisseur_id = %(regisseur)s AND c.outflow_at IS NOT NULL
              AND EXISTS (SELECT 1 FROM plans_handedovergoal h WHERE h.case_id = c.id)
            ORDER BY c.outflow_at DESC, c.id DESC LIMIT 1""",
    ),
    ("today", "SELECT (now() AT TIME ZONE 'Europe/Amsterdam')::date AS today"),
]


# --- bare SQL -----------------------------------------------------------------------------------
# %(user)s, %(group)s (the user's organisation group) and %(org)s are those of the endpoint's
# `who`. The permission id and group id are known: no join to auth_permission per row.

EMPTY = ""

PERMS = """
SELECT ct.app_label, p.codename FROM auth_permission p
  JOIN django_content_type ct ON ct.id = p.content_type_id
  JOIN auth_group_permissions gp ON gp.permission_id = p.id
  JOIN partners_user_groups ug ON ug.group_id = gp.group_id
 WHERE ug.user_id = %(user)s"""

#: The ids of the cases the user sees, in a form the planner estimates well (no JIT).
VISIBLE_IDS = """
    SELECT g.content_object_id FROM cases_casegroupobjectpermission g
     WHERE g.group_id = %(group)s AND g.permission_id = %(view_perm)s
    UNION ALL SELECT id FROM cases_case WHERE regisseur_id = %(user)s
    UNION ALL SELECT id FROM cases_case WHERE accounthouder_id = %(user)s"""

VISIBLE = f"c.id IN ({VISIBLE_IDS})"
#: The same on a row's case key (agreements, UVOs): the planner probes the key's index.
AGREEMENT_VISIBLE = f"a.case_id IN ({VISIBLE_IDS})"
UVO_VISIBLE = f"m.case_id IN ({VISIBLE_IDS})"
#: The ids read first into `%(visible)s` (see `bench.run.bare`) and written into the statements
#: after it, for a page of a long list in an indexed order: the planner counts them.
READ_VISIBLE = f"SELECT array_agg(DISTINCT v.id) AS visible FROM ({VISIBLE_IDS}) v(id)"
CASE_VISIBLE_READ = "c.id = ANY(%(visible)s::bigint[])"
AGREEMENT_VISIBLE_READ = "a.case_id = ANY(%(visible)s::bigint[])"
UVO_VISIBLE_READ = "m.case_id = ANY(%(visible)s::bigint[])"

CASE_ROW = (
    """
SELECT c.*, p.first_name, p.last_name, p.date_of_birth, pr.name, o.name,
       r.first_name, r.last_name, a.first_name, a.last_name
  FROM cases_case c JOIN cases_person p ON p.id = c.person_id
  JOIN cases_programme pr ON pr.id = c.programme_id
  LEFT JOIN partners_organisation o ON o.id = c.regie_organisation_id
  LEFT JOIN partners_user r ON r.id = c.regisseur_id
  LEFT JOIN partners_user a ON a.id = c.accounthouder_id
 WHERE c.id = %(case)s AND """
    + VISIBLE
)

TEAM = """
SELECT m.*, o.name, o.handles_health, u.first_name, u.last_name FROM cases_caseteammembership m
  JOIN partners_organisation o ON o.id = m.organisation_id
  LEFT JOIN partners_user u ON u.id = m.professional_id
 WHERE m.case_id = %(case)s ORDER BY m.joined_on, m.id"""

LOG_READ = """
WITH entry AS (
  INSERT INTO cases_accesslogentry (at, user_id, organisation_id, channel, path, action, query,
                                    outcome)
  VALUES (now(), %(user)s, %(org)s, 'web', '/bench/', 'detail', '', 'shown') RETURNING id)
INSERT INTO cases_accesslogsubject (entry_id, person_id, case_id)
SELECT id, %(person)s, %(case)s FROM entry"""

LOG_READ_API = LOG_READ.replace("'web'", "'api'")

#: What every case tab reads first: the case, its team, and the access log entry.
CASE_HEAD = PERMS + ";\n" + CASE_ROW + ";\n" + TEAM + ";\n" + LOG_READ


def sql(*statements: str) -> str:
    return ";\n".join(s.strip() for s in statements)


CASE_LIST_ROWS = """
SELECT c.id, c.status, c.registered_at, p.first_name, p.last_name, pr.name, o.name,
       r.first_name, r.last_name
  FROM cases_case c JOIN cases_person p ON p.id = c.person_id
  JOIN cases_programme pr ON pr.id = c.programme_id
  LEFT JOIN partners_organisation o ON o.id = c.regie_organisation_id
  LEFT JOIN partners_user r ON r.id = c.regisseur_id
 WHERE {visible} ORDER BY c.registered_at DESC, c.id DESC LIMIT {limit}"""

FILTER_CHOICES = sql(
    "SELECT id, name FROM cases_programme ORDER BY name",
    "SELECT id, name FROM partners_organisation ORDER BY name",
)

CASE_LIST = sql(
    PERMS,
    READ_VISIBLE,
    f"SELECT count(*) FROM cases_case c WHERE {CASE_VISIBLE_READ}",
    CASE_LIST_ROWS.format(visible=CASE_VISIBLE_READ, limit=25),
    FILTER_CHOICES,
)

VISIBLE_PROGRAMME_TEAM = f"""c.id IN ({VISIBLE_IDS}
    UNION SELECT id FROM cases_case
     WHERE status IN ('registered', 'basisdossier', 'awaiting_assignment', 'assigned'))"""

#: The programme team's ids: its programmes' cases and those being registered.
READ_VISIBLE_PROGRAMME_TEAM = f"""SELECT array_agg(DISTINCT v.id) AS visible FROM ({VISIBLE_IDS}
    UNION SELECT id FROM cases_case
     WHERE status IN ('registered', 'basisdossier', 'awaiting_assignment', 'assigned')) v(id)"""

CASE_LIST_PROGRAMME_TEAM = sql(
    PERMS,
    READ_VISIBLE_PROGRAMME_TEAM,
    f"SELECT count(*) FROM cases_case c WHERE {CASE_VISIBLE_READ}",
    CASE_LIST_ROWS.format(visible=CASE_VISIBLE_READ, limit=25),
    FILTER_CHOICES,
)

#: The outflow signal (issue 16): cases in regie whose person no longer meets the programme's
#: inflow criteria (above its maximum age, or fewer counted offences in its window), counted and
#: a page of them; `{own}` narrows to the user's cases or programmes.
_SIGNALLED = """
    FROM cases_case c JOIN cases_person p ON p.id = c.person_id
    JOIN cases_programme pr ON pr.id = c.programme_id
   WHERE c.status = 'in_regie' AND {own}
     AND ((pr.max_age IS NOT NULL
           AND p.date_of_birth <= current_date - make_interval(years => pr.max_age + 1))
       OR (pr.min_offences IS NOT NULL AND (
            SELECT count(*) FROM cases_offencerecord o
             WHERE o.person_id = c.person_id AND o.date <= current_date
               AND o.date >= current_date - make_interval(years => pr.period_years)
               AND o.category <> 'other'
               AND (pr.offence_kinds = '[]'::jsonb OR pr.offence_kinds ? o.kind)
          ) < pr.min_offences))"""


#: The regisseur's own cases in regie, with the person and programme (the work queue's rows).
_MINE = """FROM cases_case c JOIN cases_person p ON p.id = c.person_id
         JOIN cases_programme pr ON pr.id = c.programme_id
        WHERE c.regisseur_id = %(user)s AND c.status = 'in_regie'"""

#: The start page of a regisseur: their roles, their work queue (meetings.work: plans to write,
#: UVOs and evaluations due, plan reviews, overdue agreements, declined commitments, outflow
#: signals, commitments to answer and agreements to deliver, each counted and its first five
#: read) and their ten latest cases, and the access log entry for the cases shown.
HOME = sql(
    PERMS,
    """SELECT rg.role FROM partners_rolegroup rg
         JOIN partners_user_groups ug ON ug.group_id = rg.group_id WHERE ug.user_id = %(user)s""",
    f"""SELECT c.id, p.first_name, p.last_name,
              EXISTS (SELECT 1 FROM plans_plan x WHERE x.case_id = c.id AND x.status = 'draft'),
              EXISTS (SELECT 1 FROM plans_plan x WHERE x.case_id = c.id
                         AND x.status IN ('submitted', 'approved'))
         {_MINE} ORDER BY c.id""",
    f"""SELECT c.*, p.first_name, p.last_name,
              (SELECT max(m.held_on) FROM meetings_uvomeeting m
                WHERE m.case_id = c.id AND m.status = 'held'),
              EXISTS (SELECT 1 FROM meetings_uvomeeting m WHERE m.case_id = c.id
                         AND m.status = 'planned' AND m.planned_at >= %(today)s),
              (SELECT k.weeks FROM meetings_uvocadence k WHERE k.case_id = c.id)
         {_MINE}""",
    """SELECT x.id, x.approved_at, pr.evaluation_interval_weeks, p.first_name, p.last_name,
              (SELECT max(e.held_on) FROM plans_evaluation e WHERE e.plan_id = x.id)
         FROM plans_plan x JOIN cases_case c ON c.id = x.case_id
         JOIN cases_person p ON p.id = c.person_id
         JOIN cases_programme pr ON pr.id = c.programme_id
        WHERE x.status = 'approved' AND c.regisseur_id = %(user)s AND c.status = 'in_regie'""",
    """SELECT r.*, p.first_name, p.last_name FROM plans_planreview r
         JOIN cases_case c ON c.id = r.case_id JOIN cases_person p ON p.id = c.person_id
        WHERE c.regisseur_id = %(user)s AND c.status IN ('in_regie', 'outflow')
          AND r.closed_at IS NULL ORDER BY r.due_on, r.id LIMIT 5""",
    """SELECT count(*) FROM meetings_agreement a JOIN cases_case c ON c.id = a.case_id
        WHERE c.regisseur_id = %(user)s AND c.status = 'in_regie' AND a.status = 'open'
          AND a.deadline < %(today)s AND a.owner_person_id IS DISTINCT FROM %(user)s""",
    """SELECT a.*, p.first_name, p.last_name, o.name FROM meetings_agreement a
         JOIN cases_case c ON c.id = a.case_id JOIN cases_person p ON p.id = c.person_id
         JOIN partners_organisation o ON o.id = a.owner_organisation_id
        WHERE c.regisseur_id = %(user)s AND c.status = 'in_regie' AND a.status = 'open'
          AND a.deadline < %(today)s AND a.owner_person_id IS DISTINCT FROM %(user)s
        ORDER BY a.deadline, a.id LIMIT 5""",
    """SELECT count(*) FROM plans_plangoal g JOIN plans_plan x ON x.id = g.plan_id
         JOIN cases_case c ON c.id = x.case_id
        WHERE c.regisseur_id = %(user)s AND x.status IN ('draft', 'submitted')
          AND g.commitment = 'declined'""",
    "SELECT * FROM cases_programme ORDER BY id",
    f"SELECT count(*) {_SIGNALLED.format(own='c.regisseur_id = %(user)s')}",
    f"""SELECT c.*, p.*, pr.* {_SIGNALLED.format(own="c.regisseur_id = %(user)s")}
        ORDER BY c.regie_started_at, c.id LIMIT 5""",
    """SELECT count(*) FROM plans_plan x WHERE x.status = 'submitted'
          AND EXISTS (SELECT 1 FROM plans_plangoal g WHERE g.plan_id = x.id
                         AND g.responsible_organisation_id = %(org)s AND g.commitment = 'pending')
          AND EXISTS (SELECT 1 FROM cases_caseteammembership t WHERE t.case_id = x.case_id
                         AND t.organisation_id = %(org)s AND t.left_on IS NULL)""",
    """SELECT a.*, p.first_name, p.last_name FROM meetings_agreement a
         JOIN cases_case c ON c.id = a.case_id JOIN cases_person p ON p.id = c.person_id
        WHERE a.owner_person_id = %(user)s AND a.status = 'open'
          AND EXISTS (SELECT 1 FROM cases_caseteammembership t WHERE t.case_id = a.case_id
                         AND t.organisation_id = %(org)s AND t.left_on IS NULL)
        ORDER BY a.deadline, a.id LIMIT 6""",
    """SELECT c.id, c.status, p.first_name, p.last_name, pr.name
         FROM cases_case c JOIN cases_person p ON p.id = c.person_id
         JOIN cases_programme pr ON pr.id = c.programme_id
        WHERE (c.regisseur_id = %(user)s OR c.accounthouder_id = %(user)s)
          AND c.status <> 'closed'
        ORDER BY c.registered_at DESC, c.id DESC LIMIT 10""",
    LOG_READ,
)

CASE_DETAIL = sql(
    CASE_HEAD,
    """SELECT f.*, o.name FROM cases_offencerecord f
         JOIN partners_organisation o ON o.id = f.source_id
        WHERE f.person_id = %(person)s ORDER BY f.date DESC, f.id DESC""",
    """SELECT r.kind, p.id, p.first_name, p.last_name FROM cases_familyrelation r
         JOIN cases_person p ON p.id = r.relative_id WHERE r.person_id = %(person)s""",
    "SELECT id, name FROM partners_organisation WHERE active ORDER BY name",
    """SELECT s.*, u.first_name, u.last_name FROM cases_casestatuschange s
         JOIN partners_user u ON u.id = s.by_id
        WHERE s.case_id = %(case)s ORDER BY s.at DESC, s.id DESC LIMIT 20""",
)

CASE_DOSSIER = sql(
    CASE_HEAD,
    """SELECT d.*, u.first_name, u.last_name, o.name FROM cases_basisdossier d
         LEFT JOIN partners_user u ON u.id = d.established_by_id
         LEFT JOIN partners_organisation o ON o.id = d.advised_organisation_id
        WHERE d.case_id = %(case)s""",
    """SELECT s.*, c.*, o.name, u.first_name, u.last_name FROM cases_dossiersection s
         JOIN cases_basisdossier d ON d.id = s.dossier_id
         LEFT JOIN cases_dossiercontribution c ON c.section_id = s.id
         LEFT JOIN partners_organisation o ON o.id = c.organisation_id
         LEFT JOIN partners_user u ON u.id = c.author_id
        WHERE d.case_id = %(case)s ORDER BY s.leefgebied, c.part, o.name""",
)

CASE_TIMELINE = sql(
    CASE_HEAD,
    """SELECT t.*, o.name, u.first_name, u.last_name FROM cases_timelineevent t
         LEFT JOIN partners_organisation o ON o.id = t.organisation_id
         LEFT JOIN partners_user u ON u.id = t.created_by_id
        WHERE t.case_id = %(case)s ORDER BY t.occurred_at DESC, t.id DESC""",
)

CASE_MINORS = sql(
    CASE_HEAD,
    """SELECT p.* FROM cases_person p
        WHERE p.id IN (SELECT r.relative_id FROM cases_familyrelation r
                        JOIN cases_case c ON c.person_id = r.person_id WHERE c.id = %(case)s)
          AND p.date_of_birth > CURRENT_DATE - INTERVAL '18 years'
          AND p.id NOT IN (SELECT w.relative_id FROM cases_minorwatch w
                            WHERE w.case_id = %(case)s AND w.ended_on IS NULL)
        ORDER BY p.date_of_birth, p.id""",
    "SELECT count(*) FROM cases_minorwatch WHERE case_id = %(case)s",
    """SELECT w.*, p.first_name, p.last_name, p.date_of_birth, o.name FROM cases_minorwatch w
         JOIN cases_person p ON p.id = w.relative_id
         JOIN partners_organisation o ON o.id = w.organisation_id
        WHERE w.case_id = %(case)s
        ORDER BY w.ended_on DESC NULLS FIRST, w.started_on DESC, w.id DESC LIMIT 25""",
    "SELECT * FROM partners_organisation WHERE active ORDER BY name, id",
)

CASE_HISTORY = sql(
    CASE_HEAD,
    """SELECT h.*, u.username FROM cases_historicalcase h
         LEFT JOIN partners_user u ON u.id = h.history_user_id WHERE h.id = %(case)s""",
    """SELECT h.*, u.username FROM cases_historicalbasisdossier h
         LEFT JOIN partners_user u ON u.id = h.history_user_id WHERE h.case_id = %(case)s""",
    """SELECT h.*, u.username, o.name, a.username FROM cases_historicaldossiercontribution h
         LEFT JOIN partners_user u ON u.id = h.history_user_id
         LEFT JOIN partners_organisation o ON o.id = h.organisation_id
         LEFT JOIN partners_user a ON a.id = h.author_id
        WHERE h.section_id IN (SELECT s.id FROM cases_dossiersection s
                                 JOIN cases_basisdossier d ON d.id = s.dossier_id
                                WHERE d.case_id = %(case)s)""",
    """SELECT h.*, u.username, o.name FROM cases_historicalcaseteammembership h
         LEFT JOIN partners_user u ON u.id = h.history_user_id
         JOIN partners_organisation o ON o.id = h.organisation_id
        WHERE h.case_id = %(case)s""",
    """SELECT h.*, u.username, p.first_name, p.last_name FROM cases_historicalminorwatch h
         LEFT JOIN partners_user u ON u.id = h.history_user_id
         JOIN cases_person p ON p.id = h.relative_id
        WHERE h.case_id = %(case)s""",
    """SELECT h.*, u.username FROM plans_historicalplan h
         LEFT JOIN partners_user u ON u.id = h.history_user_id WHERE h.case_id = %(case)s""",
    """SELECT h.*, u.username, o.name FROM plans_historicalplangoal h
         LEFT JOIN partners_user u ON u.id = h.history_user_id
         LEFT JOIN partners_organisation o ON o.id = h.responsible_organisation_id
        WHERE h.plan_id IN (SELECT id FROM plans_plan WHERE case_id = %(case)s)""",
)

PLAN_GOALS = """
SELECT g.*, o.name, pu.first_name, pu.last_name, cu.first_name, cu.last_name
  FROM plans_plangoal g
  LEFT JOIN partners_organisation o ON o.id = g.responsible_organisation_id
  LEFT JOIN partners_user pu ON pu.id = g.professional_id
  LEFT JOIN partners_user cu ON cu.id = g.committed_by_id
 WHERE g.plan_id = %(plan)s ORDER BY g.leefgebied, g.id"""

PLAN_ADVICE = """
SELECT a.*, u.first_name, u.last_name FROM plans_itatadvice a
  JOIN partners_user u ON u.id = a.author_id
 WHERE a.plan_id = %(plan)s ORDER BY a.created_at, a.id"""

CASE_PLAN = sql(
    CASE_HEAD,
    """SELECT pl.id, pl.version, pl.status, pl.submitted_at, pl.approved_at, u.first_name,
              u.last_name
         FROM plans_plan pl LEFT JOIN partners_user u ON u.id = pl.approved_by_id
        WHERE pl.case_id = %(case)s ORDER BY pl.version DESC""",
    PLAN_GOALS,
    PLAN_ADVICE,
    """SELECT e.*, pl.version, u.first_name, u.last_name FROM plans_evaluation e
         JOIN plans_plan pl ON pl.id = e.plan_id JOIN partners_user u ON u.id = e.created_by_id
        WHERE pl.case_id = %(case)s ORDER BY e.held_on DESC, e.id DESC""",
    """SELECT r.evaluation_id, r.result, r.explanation, g.leefgebied, g.goal
         FROM plans_goalevaluation r JOIN plans_plangoal g ON g.id = r.goal_id
         JOIN plans_evaluation e ON e.id = r.evaluation_id
         JOIN plans_plan pl ON pl.id = e.plan_id WHERE pl.case_id = %(case)s""",
    """SELECT x.*, u.first_name, u.last_name FROM plans_expertgroupreferral x
         JOIN partners_user u ON u.id = x.referred_by_id
        WHERE x.case_id = %(case)s ORDER BY x.referred_at DESC""",
)

#: The outflow form: the case, the plan in force and its goals, the register's organisations.
HANDOVER_FORM = sql(
    CASE_HEAD,
    "SELECT * FROM plans_plan WHERE case_id = %(case)s AND status = 'approved'",
    PLAN_GOALS,
    "SELECT * FROM partners_organisation WHERE active ORDER BY name, id",
)

#: The handover summary (and its print): the case, the goals handed over, as the receiver reads.
HANDOVER_SUMMARY = sql(
    CASE_HEAD.replace("%(case)s", "%(outflow_case)s").replace("%(person)s", "%(outflow_person)s"),
    """SELECT h.*, g.*, o.name, pu.first_name, pu.last_name FROM plans_handedovergoal h
         JOIN plans_plangoal g ON g.id = h.goal_id
         LEFT JOIN partners_organisation o ON o.id = g.responsible_organisation_id
         LEFT JOIN partners_user pu ON pu.id = g.professional_id
        WHERE h.case_id = %(outflow_case)s ORDER BY g.leefgebied, h.id""",
)

CASE_AGREEMENTS = """
SELECT a.*, m.planned_at, o.name, u.first_name, u.last_name FROM meetings_agreement a
  LEFT JOIN meetings_uvomeeting m ON m.id = a.meeting_id
  JOIN partners_organisation o ON o.id = a.owner_organisation_id
  LEFT JOIN partners_user u ON u.id = a.owner_person_id
 WHERE a.case_id = %(case)s"""

CASE_UVO = sql(
    CASE_HEAD,
    "SELECT * FROM meetings_uvocadence WHERE case_id = %(case)s",
    """SELECT m.*, u.first_name, u.last_name FROM meetings_uvomeeting m
         JOIN partners_user u ON u.id = m.chair_id
        WHERE m.case_id = %(case)s ORDER BY m.planned_at DESC""",
    CASE_AGREEMENTS + " ORDER BY a.deadline, a.id",
)

PLAN_ROW = (
    """
SELECT pl.*, c.status, c.regisseur_id, c.accounthouder_id, p.first_name, p.last_name,
       pr.name, m.date, u.first_name, u.last_name
  FROM plans_plan pl JOIN cases_case c ON c.id = pl.case_id
  JOIN cases_person p ON p.id = c.person_id JOIN cases_programme pr ON pr.id = c.programme_id
  LEFT JOIN plans_itatmeeting m ON m.id = pl.itat_meeting_id
  LEFT JOIN partners_user u ON u.id = pl.approved_by_id
 WHERE pl.id = %(plan)s AND """
    + VISIBLE
)

PLAN_DETAIL_ROWS = sql(
    PLAN_ROW,
    PLAN_GOALS,
    PLAN_ADVICE,
    """SELECT s.*, u.first_name, u.last_name FROM plans_planstatuschange s
         JOIN partners_user u ON u.id = s.by_id
        WHERE s.plan_id = %(plan)s ORDER BY s.at DESC, s.id DESC""",
    TEAM,
)

#: A form about one goal of the plan in force: the plan's header, the team and the goal.
GOAL_FORM_HEAD = sql(
    PERMS,
    PLAN_ROW,
    TEAM,
    "SELECT g.* FROM plans_plangoal g WHERE g.id = %(goal)s AND g.plan_id = %(plan)s",
    LOG_READ,
)

GOAL_PROGRESS_PAGE = sql(
    GOAL_FORM_HEAD,
    """SELECT g.id, g.origin_id FROM plans_plangoal g JOIN plans_plan pl ON pl.id = g.plan_id
        WHERE pl.case_id = %(case)s""",
    """SELECT s.*, u.first_name, u.last_name FROM plans_goalprogress s
         JOIN partners_user u ON u.id = s.recorded_by_id
        WHERE s.goal_id = %(goal)s ORDER BY s.on, s.recorded_at, s.id""",
    "SELECT m.id, m.planned_at FROM meetings_uvomeeting m WHERE m.case_id = %(case)s",
)

GOAL_AMEND_PAGE = sql(
    GOAL_FORM_HEAD,
    """SELECT u.id, u.first_name, u.last_name FROM partners_user u
         JOIN plans_plangoal g ON g.responsible_organisation_id = u.organisation_id
        WHERE g.id = %(goal)s AND u.is_active ORDER BY u.last_name, u.first_name""",
)

APPLICATION_PAGE = GOAL_FORM_HEAD

ESCALATIONS_PAGE = sql(
    PERMS,
    """SELECT e.*, pr.name, o.name FROM meetings_escalation e
         JOIN cases_case c ON c.id = e.case_id JOIN cases_programme pr ON pr.id = c.programme_id
         JOIN partners_organisation o ON o.id = e.organisation_id
        WHERE e.status = 'open' AND (c.regisseur_id = %(user)s OR c.accounthouder_id = %(user)s)
        ORDER BY e.due_at, e.id""",
    """SELECT e.*, pr.name, o.name FROM meetings_escalation e
         JOIN cases_case c ON c.id = e.case_id JOIN cases_programme pr ON pr.id = c.programme_id
         JOIN partners_organisation o ON o.id = e.organisation_id
        WHERE e.status <> 'open' AND (c.regisseur_id = %(user)s OR c.accounthouder_id = %(user)s)
        ORDER BY e.closed_at DESC, e.id DESC LIMIT 20""",
)

PROGRAMME_NORMS_PAGE = sql(PERMS, "SELECT * FROM cases_programme WHERE code = %(programme_code)s")

PLAN_PAGE = sql(
    PERMS,
    PLAN_DETAIL_ROWS,
    LOG_READ,
    """SELECT pl.id, pl.version, pl.status FROM plans_plan pl
        WHERE pl.case_id = %(case)s AND pl.id <> %(plan)s ORDER BY pl.version DESC""",
)

UVO_ROW = (
    """
SELECT m.*, c.status, c.regisseur_id, c.accounthouder_id, p.first_name, p.last_name,
       u.first_name, u.last_name
  FROM meetings_uvomeeting m JOIN cases_case c ON c.id = m.case_id
  JOIN cases_person p ON p.id = c.person_id JOIN partners_user u ON u.id = m.chair_id
 WHERE m.id = %(uvo)s AND """
    + VISIBLE
)

ATTENDEES = """
SELECT t.*, o.name, u.first_name, u.last_name FROM meetings_uvoattendee t
  JOIN partners_organisation o ON o.id = t.organisation_id
  LEFT JOIN partners_user u ON u.id = t.user_id
 WHERE t.meeting_id = %(uvo)s ORDER BY o.name, t.id"""

UVO_PAGE = sql(
    PERMS,
    UVO_ROW,
    ATTENDEES,
    LOG_READ,
    TEAM,
    CASE_AGREEMENTS + " AND a.meeting_id = %(uvo)s ORDER BY a.deadline, a.id",
    CASE_AGREEMENTS
    + " AND a.status = 'open' AND a.meeting_id IS DISTINCT FROM %(uvo)s ORDER BY a.deadline, a.id",
    # The agreement form's choice of owner: the people of the organisations on the team.
    """SELECT u.id, u.first_name, u.last_name, u.organisation_id FROM partners_user u
        WHERE u.is_active AND u.organisation_id IN (
              SELECT organisation_id FROM cases_caseteammembership
               WHERE case_id = %(case)s AND left_on IS NULL)
        ORDER BY u.last_name""",
)

ITAT_MEETINGS = sql(
    PERMS,
    """SELECT m.id, m.date, m.held,
              (SELECT count(*) FROM plans_plan pl
                WHERE pl.itat_meeting_id = m.id AND pl.status = 'submitted') AS plans
         FROM plans_itatmeeting m
        WHERE m.date >= %(today)s OR EXISTS (SELECT 1 FROM plans_plan pl
                WHERE pl.itat_meeting_id = m.id AND pl.status = 'submitted')
        ORDER BY m.date""",
    """SELECT m.id, m.date, m.held,
              (SELECT count(*) FROM plans_plan pl WHERE pl.itat_meeting_id = m.id) AS plans
         FROM plans_itatmeeting m
        WHERE m.date < %(today)s AND NOT EXISTS (SELECT 1 FROM plans_plan pl
                WHERE pl.itat_meeting_id = m.id AND pl.status = 'submitted')
        ORDER BY m.date DESC, m.id DESC LIMIT 26""",
    """SELECT x.id, x.question, x.referred_at, p.first_name, p.last_name, u.first_name,
              u.last_name
         FROM plans_expertgroupreferral x JOIN cases_case c ON c.id = x.case_id
         JOIN cases_person p ON p.id = c.person_id JOIN partners_user u ON u.id = x.referred_by_id
        WHERE x.advised_at IS NULL ORDER BY x.referred_at DESC""",
)

ITAT_AGENDA = sql(
    PERMS,
    "SELECT * FROM plans_itatmeeting WHERE id = %(meeting)s",
    """SELECT count(*) FROM plans_plan pl
        WHERE pl.itat_meeting_id = %(meeting)s AND pl.status = 'submitted'""",
    """SELECT pl.id, pl.version, pl.submitted_at, c.id, p.first_name, p.last_name, pr.name,
              o.name, r.first_name, r.last_name,
              (SELECT count(*) FROM plans_plangoal g WHERE g.plan_id = pl.id) AS goals,
              (SELECT count(*) FROM plans_plangoal g
                WHERE g.plan_id = pl.id AND g.commitment <> 'committed') AS open_commitments
         FROM plans_plan pl JOIN cases_case c ON c.id = pl.case_id
         JOIN cases_person p ON p.id = c.person_id JOIN cases_programme pr ON pr.id = c.programme_id
         LEFT JOIN partners_organisation o ON o.id = c.regie_organisation_id
         LEFT JOIN partners_user r ON r.id = c.regisseur_id
        WHERE pl.itat_meeting_id = %(meeting)s AND pl.status = 'submitted'
        ORDER BY pl.submitted_at, pl.id LIMIT 50""",
)

CASUISTRY = sql(
    PERMS,
    """SELECT c.id, c.regie_started_at, p.first_name, p.last_name, r.first_name, r.last_name,
              cad.weeks, cad.until,
              (SELECT max(m.held_on) FROM meetings_uvomeeting m
                WHERE m.case_id = c.id AND m.status = 'held') AS last_held,
              (SELECT count(*) FROM meetings_agreement a
                WHERE a.case_id = c.id AND a.status = 'open' AND a.deadline < %(today)s)
                AS overdue_agreements,
              (SELECT pl.status FROM plans_plan pl
                WHERE pl.case_id = c.id AND pl.status <> 'superseded'
                ORDER BY pl.version DESC LIMIT 1) AS plan_status
         FROM cases_case c JOIN cases_person p ON p.id = c.person_id
         LEFT JOIN partners_user r ON r.id = c.regisseur_id
         LEFT JOIN meetings_uvocadence cad ON cad.case_id = c.id
        WHERE c.accounthouder_id = %(user)s AND c.status = 'in_regie'
        ORDER BY r.last_name, p.last_name, c.id LIMIT 26""",
)

#: The accounthouder's dashboard: every case of theirs in regie with its figures, and their open
#: agreements by owning organisation.
DASHBOARD = sql(
    PERMS,
    """SELECT c.id, c.regie_started_at, c.regie_style, p.first_name, p.last_name,
              r.first_name, r.last_name, pr.code, pr.evaluation_interval_weeks,
              cad.weeks, cad.until,
              (SELECT max(m.held_on) FROM meetings_uvomeeting m
                WHERE m.case_id = c.id AND m.status = 'held') AS last_held,
              (SELECT count(*) FROM meetings_agreement a
                WHERE a.case_id = c.id AND a.status = 'open') AS open_agreements,
              (SELECT count(*) FROM meetings_agreement a
                WHERE a.case_id = c.id AND a.status = 'open' AND a.deadline < %(today)s)
                AS overdue_agreements,
              EXISTS (SELECT 1 FROM plans_plan pl
                       WHERE pl.case_id = c.id AND pl.status = 'approved') AS in_force,
              (SELECT pl.submitted_at FROM plans_plan pl
                WHERE pl.case_id = c.id AND pl.status = 'submitted' LIMIT 1) AS submitted,
              (SELECT pl.approved_at FROM plans_plan pl
                WHERE pl.case_id = c.id AND pl.status = 'approved' LIMIT 1) AS approved,
              (SELECT max(e.held_on) FROM plans_evaluation e JOIN plans_plan pl
                   ON pl.id = e.plan_id
                WHERE pl.case_id = c.id AND pl.status = 'approved') AS last_evaluation,
              (SELECT count(*) FROM plans_plangoal g JOIN plans_plan pl ON pl.id = g.plan_id
                WHERE pl.case_id = c.id AND pl.status <> 'superseded'
                  AND g.commitment = 'declined') AS declined
         FROM cases_case c JOIN cases_person p ON p.id = c.person_id
         JOIN cases_programme pr ON pr.id = c.programme_id
         LEFT JOIN partners_user r ON r.id = c.regisseur_id
         LEFT JOIN meetings_uvocadence cad ON cad.case_id = c.id
        WHERE c.accounthouder_id = %(user)s AND c.status = 'in_regie'
        ORDER BY r.last_name, r.first_name, p.last_name, c.id""",
    """SELECT a.owner_organisation_id, o.name, count(*),
              count(*) FILTER (WHERE a.deadline < %(today)s)
         FROM meetings_agreement a JOIN cases_case c ON c.id = a.case_id
         JOIN partners_organisation o ON o.id = a.owner_organisation_id
        WHERE c.accounthouder_id = %(user)s AND c.status = 'in_regie' AND a.status = 'open'
        GROUP BY 1, 2 ORDER BY 4 DESC, 3 DESC, 2""",
)

_START = "c.regie_started_at::date"
_OUTCOME_WINDOWS = (
    f"o.date >= {_START} - 730 AND o.date < {_START}",
    f"o.date >= {_START} AND (c.closed_at IS NULL OR o.date < c.closed_at::date)",
    "c.closed_at IS NOT NULL AND o.date >= c.closed_at::date",
)
_OUTCOME_KINDS = (
    "o.kind = 'arrest'",
    "o.kind = 'summons'",
    "o.kind = 'arrest' AND o.category <> 'other'",
)
#: Offences per case in each window (before, during, after regie) of each measure.
_OUTCOME_COUNTS = ", ".join(
    f"count(o.id) FILTER (WHERE {kind} AND {window})"
    for kind in _OUTCOME_KINDS
    for window in _OUTCOME_WINDOWS
)

#: The programme team's figures over the last twelve months, all programmes.
PROGRAMME_FIGURES = sql(
    PERMS,
    "SELECT id, code FROM cases_programme WHERE active ORDER BY code",
    *(
        f"""SELECT date_trunc('month', {column}) AS month, count(*) FROM cases_case
             WHERE {column} >= %(today)s::date - interval '1 year'
             GROUP BY 1"""
        for column in ("registered_at", "regie_started_at", "closed_at")
    ),
    "SELECT pr.code, c.status, count(*) FROM cases_case c JOIN cases_programme pr"
    " ON pr.id = c.programme_id GROUP BY 1, 2",
    "SELECT o.name, c.regisseur_id, count(*) FROM cases_case c LEFT JOIN partners_organisation o"
    " ON o.id = c.regie_organisation_id WHERE c.status IN ('in_regie', 'outflow') GROUP BY 1, 2",
    """SELECT pr.code, c.registered_at, min(p.approved_at) FROM cases_case c
         JOIN cases_programme pr ON pr.id = c.programme_id
         JOIN plans_plan p ON p.case_id = c.id
        GROUP BY c.id, pr.code HAVING min(p.approved_at) >= %(today)s::date - interval '1 year'""",
    """SELECT date_trunc('week', at), to_status, count(*) FROM plans_planstatuschange
        WHERE from_status = 'submitted' AND to_status IN ('approved', 'draft')
          AND at >= %(today)s::date - interval '1 year' GROUP BY 1, 2""",
    """SELECT o.name, count(*), count(*) FILTER (WHERE a.status IN ('open', 'not_done')
              OR (a.status = 'done' AND a.status_changed_at::date > a.deadline)),
              count(DISTINCT a.case_id)
         FROM meetings_agreement a JOIN partners_organisation o ON o.id = a.owner_organisation_id
        WHERE a.deadline >= %(today)s::date - interval '1 year' AND a.deadline <= %(today)s
        GROUP BY 1""",
    """SELECT o.name, count(*), count(*) FILTER (WHERE g.commitment = 'declined'),
              count(DISTINCT p.case_id)
         FROM plans_plangoal g JOIN plans_plan p ON p.id = g.plan_id
         JOIN partners_organisation o ON o.id = g.responsible_organisation_id
        WHERE g.committed_at >= %(today)s::date - interval '1 year' GROUP BY 1""",
    f"""SELECT c.id, pr.code, c.status, c.regie_started_at, c.closed_at, {_OUTCOME_COUNTS}
         FROM cases_case c JOIN cases_programme pr ON pr.id = c.programme_id
         LEFT JOIN cases_offencerecord o ON o.person_id = c.person_id
        WHERE c.regie_started_at IS NOT NULL GROUP BY c.id, pr.code""",
)

AGREEMENTS_ROWS = f"""SELECT a.id, a.description, a.deadline, a.status, a.status_note,
               p.first_name, p.last_name, u.first_name, u.last_name
          FROM meetings_agreement a JOIN cases_case c ON c.id = a.case_id
          JOIN cases_person p ON p.id = c.person_id
          LEFT JOIN partners_user u ON u.id = a.owner_person_id
         WHERE a.owner_organisation_id = %(org)s AND {AGREEMENT_VISIBLE} AND a.status = 'open'"""

#: Page 1 of the open ones (the default) and of the overdue ones: 25 and one more, no count.
AGREEMENTS_PAGE = sql(AGREEMENTS_ROWS + " ORDER BY a.deadline, a.id LIMIT 26")
AGREEMENTS_OVERDUE = sql(
    AGREEMENTS_ROWS + " AND a.deadline < %(today)s ORDER BY a.deadline, a.id LIMIT 26"
)

_COMMITMENTS_WAITING = f"""
          FROM plans_plangoal g JOIN plans_plan pl ON pl.id = g.plan_id
          JOIN cases_case c ON c.id = pl.case_id JOIN cases_person p ON p.id = c.person_id
         WHERE g.responsible_organisation_id = %(org)s AND g.commitment = 'pending'
           AND pl.status IN ('draft', 'submitted') AND {VISIBLE}"""

COMMITMENTS = sql(
    f"SELECT count(*) {_COMMITMENTS_WAITING}",
    f"""SELECT g.id, g.leefgebied, g.goal, pl.id, pl.version, c.id, p.first_name, p.last_name
        {_COMMITMENTS_WAITING} ORDER BY c.id, g.leefgebied LIMIT 50""",
)

#: A user's notifications, as the inbox and the API read them: events too (no reminder), and
#: only about cases the user still sees (the visibility filter the page applies).
_OWN_NOTIFICATIONS = f"n.user_id = %(user)s AND n.case_id IN ({VISIBLE_IDS})"
NOTIFICATIONS = f"""
SELECT n.*, r.kind, r.due_date, c.id, p.first_name, p.last_name FROM meetings_notification n
  LEFT JOIN meetings_reminder r ON r.id = n.reminder_id JOIN cases_case c ON c.id = n.case_id
  JOIN cases_person p ON p.id = c.person_id
 WHERE {_OWN_NOTIFICATIONS}
 ORDER BY n.read_at DESC NULLS FIRST, n.created_at DESC, n.id DESC LIMIT {{limit}}"""

INBOX = NOTIFICATIONS.format(limit=26)  # a page of 25 and one more, no count

API_CASES = sql(
    PERMS,
    READ_VISIBLE,
    f"SELECT count(*) FROM cases_case c WHERE {CASE_VISIBLE_READ}",
    CASE_LIST_ROWS.format(visible=CASE_VISIBLE_READ, limit=100),
)

API_CASE = sql(PERMS, CASE_ROW, TEAM, LOG_READ_API)

API_PLANS_VISIBLE = "pl.case_id = ANY(%(visible)s::bigint[])"

API_PLANS = sql(
    PERMS,
    READ_VISIBLE,
    f"SELECT count(*) FROM plans_plan pl WHERE {API_PLANS_VISIBLE}",
    f"""SELECT pl.id, pl.version, pl.status, pl.created_at, pl.submitted_at, pl.approved_at,
               p.id, p.first_name, p.last_name, m.date
          FROM plans_plan pl JOIN cases_case c ON c.id = pl.case_id
          JOIN cases_person p ON p.id = c.person_id
          LEFT JOIN plans_itatmeeting m ON m.id = pl.itat_meeting_id
         WHERE {API_PLANS_VISIBLE} ORDER BY pl.created_at DESC, pl.id DESC LIMIT 100""",
)

API_PLAN = sql(PERMS, PLAN_DETAIL_ROWS, LOG_READ_API)

AGREEMENT_ROWS = """
SELECT a.*, p.first_name, p.last_name, m.planned_at, o.name, u.first_name, u.last_name
  FROM meetings_agreement a JOIN cases_case c ON c.id = a.case_id
  JOIN cases_person p ON p.id = c.person_id
  LEFT JOIN meetings_uvomeeting m ON m.id = a.meeting_id
  JOIN partners_organisation o ON o.id = a.owner_organisation_id
  LEFT JOIN partners_user u ON u.id = a.owner_person_id
 WHERE {visible}"""

#: The list's own order. The ids as a subquery here: for the deadline order (no index to walk)
#: that bare SQL was the faster of the two at 10x (~340 against ~590 ms), so it is the yardstick.
API_AGREEMENTS = sql(
    PERMS,
    f"SELECT count(*) FROM meetings_agreement a WHERE {AGREEMENT_VISIBLE}",
    AGREEMENT_ROWS.format(visible=AGREEMENT_VISIBLE) + " ORDER BY a.deadline, a.id LIMIT 100",
)

#: The sync order's first keyset page: the oldest changes first.
API_AGREEMENTS_SYNC = sql(
    PERMS,
    READ_VISIBLE,
    f"SELECT count(*) FROM meetings_agreement a WHERE {AGREEMENT_VISIBLE_READ}",
    AGREEMENT_ROWS.format(visible=AGREEMENT_VISIBLE_READ)
    + " ORDER BY a.updated_at, a.id LIMIT 101",
)

API_AGREEMENT = sql(
    PERMS,
    AGREEMENT_ROWS.format(visible=AGREEMENT_VISIBLE) + " AND a.id = %(agreement)s",
    LOG_READ_API,
)

UVO_ROWS = f"""SELECT m.id, m.case_id, m.planned_at, m.place, m.status, m.held_on, u.first_name,
               u.last_name
          FROM meetings_uvomeeting m
          JOIN partners_user u ON u.id = m.chair_id
         WHERE {UVO_VISIBLE_READ}"""

API_UVOS = sql(
    PERMS,
    READ_VISIBLE,
    f"SELECT count(*) FROM meetings_uvomeeting m WHERE {UVO_VISIBLE_READ}",
    UVO_ROWS + " ORDER BY m.planned_at DESC, m.id DESC LIMIT 100",
)

#: The sync order's first keyset page.
API_UVOS_SYNC = sql(
    PERMS,
    READ_VISIBLE,
    f"SELECT count(*) FROM meetings_uvomeeting m WHERE {UVO_VISIBLE_READ}",
    UVO_ROWS + " ORDER BY m.updated_at, m.id LIMIT 101",
)

API_UVO = sql(PERMS, UVO_ROW, ATTENDEES, LOG_READ_API)

#: The offence records a police system reads: of the persons it sees, and its own organisation's
#: (pushed by BSN for persons of no case it is on; issue 13), newest first.
API_OFFENCES_VISIBLE = (
    f"(o.source_id = %(system_org)s OR o.person_id IN "
    f"(SELECT c.person_id FROM cases_case c WHERE {VISIBLE}))"
)
API_OFFENCES = sql(
    PERMS,
    f"SELECT count(*) FROM cases_offencerecord o WHERE {API_OFFENCES_VISIBLE}",
    f"""SELECT o.*, s.name, s.code FROM cases_offencerecord o
          JOIN partners_organisation s ON s.id = o.source_id
         WHERE {API_OFFENCES_VISIBLE} ORDER BY o.date DESC, o.id DESC LIMIT 100""",
    LOG_READ_API,
)

API_NOTIFICATIONS = sql(
    f"SELECT count(*) FROM meetings_notification n WHERE {_OWN_NOTIFICATIONS}",
    NOTIFICATIONS.format(limit=100),
)

# --- the table ----------------------------------------------------------------------------------

PAGE_FLOOR = Endpoint("empty page (floor)", "regisseur", "/__bench__/empty/", EMPTY)
API_FLOOR = Endpoint("empty API view (floor)", "system", "/__bench__/api-empty/", EMPTY, "api")


ACCESS_LOG = sql(
    """SELECT e.*, u.first_name, u.last_name, o.name FROM cases_accesslogentry e
         JOIN partners_user u ON u.id = e.user_id
         LEFT JOIN partners_organisation o ON o.id = e.organisation_id
        ORDER BY e.at DESC, e.id DESC LIMIT 51""",
    """SELECT s.*, p.first_name, p.last_name FROM cases_accesslogsubject s
         JOIN cases_person p ON p.id = s.person_id
        WHERE s.entry_id IN (SELECT id FROM cases_accesslogentry
                              ORDER BY at DESC, id DESC LIMIT 51)""",
    LOG_READ,
)

ACCESS_LOG_PERSON = sql(
    """SELECT p.* FROM cases_person p WHERE p.id = %(person)s""",
    """SELECT e.*, u.first_name, u.last_name, o.name FROM cases_accesslogsubject s
         JOIN cases_accesslogentry e ON e.id = s.entry_id
         JOIN partners_user u ON u.id = e.user_id
         LEFT JOIN partners_organisation o ON o.id = e.organisation_id
        WHERE s.person_id = %(person)s ORDER BY e.at DESC, e.id DESC LIMIT 51""",
    LOG_READ,
)

#: The beheerder's AVG inzage of the context person: every row stored about them, one statement
#: per kind of row (as the page), the names it links to, who read it and the disclosures.
_OF_CASES = "SELECT id FROM cases_case WHERE person_id = %(person)s"
_OF_PLANS = f"SELECT id FROM plans_plan WHERE case_id IN ({_OF_CASES})"
INZAGE = sql(
    PERMS,
    "SELECT * FROM cases_person WHERE id = %(person)s",
    "SELECT r.*, q.first_name, q.last_name FROM cases_familyrelation r"
    " JOIN cases_person q ON q.id = r.relative_id WHERE r.person_id = %(person)s",
    "SELECT * FROM cases_offencerecord WHERE person_id = %(person)s ORDER BY date",
    "SELECT * FROM cases_case WHERE person_id = %(person)s ORDER BY registered_at",
    *(
        f"SELECT * FROM {table} WHERE case_id IN ({_OF_CASES}) ORDER BY id"
        for table in (
            "cases_casestatuschange",
            "cases_caseteammembership",
            "cases_timelineevent",
            "cases_basisdossier",
            "plans_plan",
            "plans_expertgroupreferral",
            "meetings_uvocadence",
            "meetings_uvomeeting",
            "meetings_agreement",
        )
    ),
    "SELECT s.* FROM cases_dossiersection s JOIN cases_basisdossier d ON d.id = s.dossier_id"
    f" WHERE d.case_id IN ({_OF_CASES}) ORDER BY s.id",
    "SELECT c.* FROM cases_dossiercontribution c JOIN cases_dossiersection s"
    " ON s.id = c.section_id JOIN cases_basisdossier d ON d.id = s.dossier_id"
    f" WHERE d.case_id IN ({_OF_CASES}) ORDER BY c.id",
    *(
        f"SELECT * FROM {table} WHERE plan_id IN ({_OF_PLANS}) ORDER BY id"
        for table in (
            "plans_plangoal",
            "plans_planstatuschange",
            "plans_itatadvice",
            "plans_evaluation",
        )
    ),
    "SELECT r.*, g.leefgebied FROM plans_goalevaluation r JOIN plans_plangoal g"
    " ON g.id = r.goal_id JOIN plans_evaluation e ON e.id = r.evaluation_id"
    f" WHERE e.plan_id IN ({_OF_PLANS}) ORDER BY r.id",
    "SELECT a.* FROM meetings_uvoattendee a JOIN meetings_uvomeeting m ON m.id = a.meeting_id"
    f" WHERE m.case_id IN ({_OF_CASES}) ORDER BY a.id",
    "SELECT id, first_name, last_name FROM partners_user WHERE organisation_id IS NOT NULL",
    "SELECT id, name FROM partners_organisation",
    """SELECT e.*, u.first_name, u.last_name, o.name FROM cases_accesslogsubject s
         JOIN cases_accesslogentry e ON e.id = s.entry_id
         JOIN partners_user u ON u.id = e.user_id
         LEFT JOIN partners_organisation o ON o.id = e.organisation_id
        WHERE s.person_id = %(person)s ORDER BY e.at DESC, e.id DESC""",
    "SELECT * FROM cases_legalbasis",
    "SELECT * FROM cases_disclosure WHERE person_id = %(person)s",
    LOG_READ,
)

#: The beheerder's list of what the retention run anonymises in the next 90 days.
RETENTION = sql(
    PERMS,
    """SELECT c.*, pr.retention_years, p.anonymised_at FROM cases_case c
         JOIN cases_programme pr ON pr.id = c.programme_id
         JOIN cases_person p ON p.id = c.person_id
        WHERE c.status = 'closed' AND c.anonymised_at IS NULL
          AND c.closed_at < %(today)s::date + interval '92 days' - interval '5 years'
        ORDER BY c.closed_at, c.id""",
    "SELECT count(*) FROM cases_case WHERE anonymised_at IS NOT NULL",
)

#: A user's own login-and-security page.
SECURITY = sql(
    PERMS,
    "SELECT 1 FROM otp_totp_totpdevice WHERE user_id = %(user)s AND confirmed LIMIT 1",
    """SELECT count(*) FROM otp_static_statictoken t
         JOIN otp_static_staticdevice d ON d.id = t.device_id WHERE d.user_id = %(user)s""",
)

#: The beheerder's API keys: every key with its system, organisation, issuer and successor; the
#: form's partner systems.
API_KEYS = sql(
    PERMS,
    """SELECT k.*, u.username, o.name, i.username, n.prefix
         FROM partners_apikey k JOIN partners_user u ON u.id = k.user_id
         LEFT JOIN partners_organisation o ON o.id = u.organisation_id
         LEFT JOIN partners_user i ON i.id = k.created_by_id
         LEFT JOIN partners_apikey n ON n.rotated_from_id = k.id
        ORDER BY o.name, u.username, k.created DESC""",
    """SELECT u.id, u.username, o.name FROM partners_user u
         JOIN partners_user_groups ug ON ug.user_id = u.id
         JOIN partners_rolegroup rg ON rg.group_id = ug.group_id
         LEFT JOIN partners_organisation o ON o.id = u.organisation_id
        WHERE rg.role = 'partner_system' AND u.is_active ORDER BY o.name, u.username""",
)

#: The question before revoking an API key: the key, its system and organisation, a successor.
API_KEY_REVOKE = sql(
    PERMS,
    """SELECT k.*, u.*, o.*, n.* FROM partners_apikey k JOIN partners_user u ON u.id = k.user_id
         LEFT JOIN partners_organisation o ON o.id = u.organisation_id
         LEFT JOIN partners_apikey n ON n.rotated_from_id = k.id
        WHERE k.prefix = %(api_key)s""",
)

#: The beheerder's webhooks: every subscription with its waiting and failed deliveries and the
#: last delivery; one subscription's delivery log, newest 50 with each one's last attempt.
WEBHOOKS = sql(
    PERMS,
    """SELECT s.*, o.*, u.*,
              (SELECT count(*) FROM meetings_webhookdelivery d WHERE d.subscription_id = s.id
                  AND d.state IN ('pending', 'sending')),
              (SELECT count(*) FROM meetings_webhookdelivery d WHERE d.subscription_id = s.id
                  AND d.state = 'failed')
         FROM meetings_webhooksubscription s
         JOIN partners_organisation o ON o.id = s.organisation_id
         JOIN partners_user u ON u.id = s.user_id
        ORDER BY o.name, s.id""",
    """SELECT u.id, u.username, o.name FROM partners_user u
         JOIN partners_user_groups ug ON ug.user_id = u.id
         JOIN partners_rolegroup rg ON rg.group_id = ug.group_id
         LEFT JOIN partners_organisation o ON o.id = u.organisation_id
        WHERE rg.role = 'partner_system' AND u.is_active ORDER BY o.name, u.username""",
)
WEBHOOK_LOG = sql(
    PERMS,
    """SELECT s.*, o.*, u.* FROM meetings_webhooksubscription s
         JOIN partners_organisation o ON o.id = s.organisation_id
         JOIN partners_user u ON u.id = s.user_id WHERE s.id = %(webhook)s""",
    """SELECT d.*, e.*, a.at, a.status_code, a.error
         FROM meetings_webhookdelivery d JOIN meetings_webhookevent e ON e.id = d.event_id
         LEFT JOIN LATERAL (SELECT at, status_code, error FROM meetings_webhookattempt
                             WHERE delivery_id = d.id ORDER BY at DESC, id DESC LIMIT 1) a ON true
        WHERE d.subscription_id = %(webhook)s ORDER BY d.created_at DESC, d.id DESC LIMIT 51""",
)
#: The question before switching a webhook off: the subscription, its system and organisation.
WEBHOOK_SWITCH_OFF = sql(
    PERMS,
    """SELECT s.*, o.*, u.* FROM meetings_webhooksubscription s
         JOIN partners_organisation o ON o.id = s.organisation_id
         JOIN partners_user u ON u.id = s.user_id WHERE s.id = %(webhook)s""",
)
#: The question before renewing a webhook's secret: the same rows (the overlap is a setting).
WEBHOOK_SECRET_RENEW = sql(
    PERMS,
    """SELECT s.*, o.*, u.* FROM meetings_webhooksubscription s
         JOIN partners_organisation o ON o.id = s.organisation_id
         JOIN partners_user u ON u.id = s.user_id WHERE s.id = %(webhook)s""",
)

#: The accounthouder hands over a regisseur's caseload: the regisseur, their cases in regie or
#: outflow (person, programme, organisation), the organisation's other regisseurs.
HANDOVER = sql(
    PERMS,
    "SELECT * FROM partners_user WHERE id = %(regisseur)s",
    """SELECT c.*, p.*, pr.*, o.* FROM cases_case c JOIN cases_person p ON p.id = c.person_id
         JOIN cases_programme pr ON pr.id = c.programme_id
         JOIN partners_organisation o ON o.id = c.regie_organisation_id
        WHERE c.regisseur_id = %(regisseur)s AND c.status IN ('in_regie', 'outflow')
          AND c.regie_organisation_id = %(accounthouder_org)s
        ORDER BY c.regie_started_at, c.id""",
    """SELECT DISTINCT u.* FROM partners_user u
         JOIN partners_user_groups ug ON ug.user_id = u.id
         JOIN auth_group_permissions gp ON gp.group_id = ug.group_id
         JOIN auth_permission ap ON ap.id = gp.permission_id
        WHERE u.organisation_id = %(accounthouder_org)s AND u.is_active
          AND ap.codename = 'direct_case' AND u.id <> %(regisseur)s
        ORDER BY u.last_name, u.first_name""",
)


def _outflow_signals(own: str) -> str:
    rows = _SIGNALLED.format(own=own)
    return sql(
        PERMS,
        "SELECT * FROM cases_programme ORDER BY id",
        f"SELECT count(*) {rows}",
        f"SELECT c.*, p.*, pr.* {rows} ORDER BY c.regie_started_at, c.id LIMIT 25",
    )


OUTFLOW_SIGNALS_REGISSEUR = _outflow_signals("c.regisseur_id = %(user)s")
OUTFLOW_SIGNALS_PROGRAMME_TEAM = _outflow_signals(
    "c.programme_id IN (SELECT programme_id FROM cases_programme_team_members"
    " WHERE user_id = %(user)s)"
)

#: The case's budget tab: the balance per year (requests, payments), a page of requests with
#: the people who asked and decided, their payments.
CASE_BUDGET = sql(
    CASE_HEAD,
    """SELECT year, sum(amount_cents) FILTER (WHERE status = 'approved'),
              sum(amount_cents) FILTER (WHERE status = 'requested')
         FROM plans_budgetrequest WHERE case_id = %(case)s GROUP BY year""",
    """SELECT r.year, sum(b.amount_cents) FROM plans_budgetpayment b
         JOIN plans_budgetrequest r ON r.id = b.request_id
        WHERE r.case_id = %(case)s GROUP BY r.year""",
    """SELECT r.*, u.first_name, u.last_name, d.first_name, d.last_name
         FROM plans_budgetrequest r JOIN partners_user u ON u.id = r.requested_by_id
         LEFT JOIN partners_user d ON d.id = r.decided_by_id
        WHERE r.case_id = %(case)s ORDER BY r.requested_at DESC, r.id DESC LIMIT 26""",
    """SELECT b.* FROM plans_budgetpayment b JOIN plans_budgetrequest r ON r.id = b.request_id
        WHERE r.case_id = %(case)s ORDER BY b.paid_on, b.id""",
)

BUDGET_VISIBLE = f"r.case_id IN ({VISIBLE_IDS})"

#: The budget report: use per programme, year and purpose (requests, payments, decision days)
#: and a page of the requests that wait.
BUDGET_REPORT = sql(
    PERMS,
    f"""SELECT pr.code, r.year, r.purpose, count(*),
               sum(r.amount_cents) FILTER (WHERE r.status = 'approved')
          FROM plans_budgetrequest r JOIN cases_case c ON c.id = r.case_id
          JOIN cases_programme pr ON pr.id = c.programme_id
         WHERE {BUDGET_VISIBLE} AND r.status <> 'withdrawn' GROUP BY 1, 2, 3""",
    f"""SELECT pr.code, r.year, r.purpose, sum(b.amount_cents)
          FROM plans_budgetpayment b JOIN plans_budgetrequest r ON r.id = b.request_id
          JOIN cases_case c ON c.id = r.case_id JOIN cases_programme pr ON pr.id = c.programme_id
         WHERE {BUDGET_VISIBLE} AND r.status <> 'withdrawn' GROUP BY 1, 2, 3""",
    f"""SELECT pr.code, r.year, r.purpose, r.requested_at, r.decided_at
          FROM plans_budgetrequest r JOIN cases_case c ON c.id = r.case_id
          JOIN cases_programme pr ON pr.id = c.programme_id
         WHERE {BUDGET_VISIBLE} AND r.status IN ('approved', 'rejected')""",
    "SELECT * FROM cases_programme ORDER BY code, id",
    f"""SELECT r.*, p.first_name, p.last_name, pr.code, u.first_name, u.last_name
          FROM plans_budgetrequest r JOIN cases_case c ON c.id = r.case_id
          JOIN cases_person p ON p.id = c.person_id
          JOIN cases_programme pr ON pr.id = c.programme_id
          JOIN partners_user u ON u.id = r.requested_by_id
         WHERE {BUDGET_VISIBLE} AND r.status = 'requested'
         ORDER BY r.requested_at, r.id LIMIT 26""",
)

#: Regisseur profiles and the competence scan (issue 16).
_REGISSEURS_OF_ORG = """SELECT DISTINCT u.id FROM partners_user u
         JOIN partners_user_groups ug ON ug.user_id = u.id
         JOIN auth_group_permissions gp ON gp.group_id = ug.group_id
         JOIN auth_permission ap ON ap.id = gp.permission_id
        WHERE u.organisation_id = %(accounthouder_org)s AND u.is_active
          AND ap.codename = 'direct_case'"""
MY_PROFILE = sql(
    PERMS,
    "SELECT * FROM partners_regisseurprofile WHERE user_id = %(regisseur)s",
    "SELECT count(*) FROM partners_competencescan WHERE user_id = %(regisseur)s",
    """SELECT * FROM partners_competencescan WHERE user_id = %(regisseur)s
        ORDER BY taken_at DESC, id DESC LIMIT 6""",
)
REGISSEUR_PROFILES = sql(
    PERMS,
    f"SELECT count(*) FROM ({_REGISSEURS_OF_ORG}) r",
    f"""SELECT u.*, rp.* FROM partners_user u
         LEFT JOIN partners_regisseurprofile rp ON rp.user_id = u.id
        WHERE u.id IN ({_REGISSEURS_OF_ORG})
        ORDER BY u.last_name, u.first_name, u.id LIMIT 25""",
)
COMPETENCE_GROUP = sql(
    PERMS,
    f"""SELECT s.* FROM partners_competencescan s
        WHERE s.user_id IN ({_REGISSEURS_OF_ORG})
          AND s.id = (SELECT l.id FROM partners_competencescan l WHERE l.user_id = s.user_id
                       ORDER BY l.taken_at DESC, l.id DESC LIMIT 1)""",
)

REFERRALS = sql(
    """SELECT r.*, p.first_name, p.last_name, u.first_name, u.last_name
         FROM plans_expertgroupreferral r
         JOIN cases_case c ON c.id = r.case_id JOIN cases_person p ON p.id = c.person_id
         JOIN partners_user u ON u.id = r.referred_by_id
        WHERE r.advised_at IS NULL ORDER BY r.referred_at, r.id""",
)


ENDPOINTS = [
    Endpoint("home · regisseur", "regisseur", "/", HOME),
    Endpoint("case list · regisseur", "regisseur", "/casussen/", CASE_LIST),
    Endpoint("case list · accounthouder", "accounthouder", "/casussen/", CASE_LIST),
    Endpoint("case list · ITAT", "itat", "/casussen/", CASE_LIST),
    Endpoint(
        "case list · programme team", "programme_team", "/casussen/", CASE_LIST_PROGRAMME_TEAM
    ),
    Endpoint(
        "outflow signals · regisseur",
        "regisseur",
        "/casussen/uitstroomsignalen/",
        OUTFLOW_SIGNALS_REGISSEUR,
    ),
    Endpoint(
        "outflow signals · programme team",
        "programme_team",
        "/casussen/uitstroomsignalen/",
        OUTFLOW_SIGNALS_PROGRAMME_TEAM,
    ),
    Endpoint("case detail", "regisseur", "/casussen/{case}/", CASE_DETAIL),
    Endpoint("case tab basisdossier", "regisseur", "/casussen/{case}/basisdossier/", CASE_DOSSIER),
    Endpoint("case tab timeline", "regisseur", "/casussen/{case}/tijdlijn/", CASE_TIMELINE),
    Endpoint("case tab history", "regisseur", "/casussen/{case}/geschiedenis/", CASE_HISTORY),
    Endpoint("case followed minors", "regisseur", "/casussen/{case}/minderjarigen/", CASE_MINORS),
    Endpoint("case tab plan", "regisseur", "/casussen/{case}/plan/", CASE_PLAN),
    Endpoint("outflow form", "regisseur", "/casussen/{case}/uitstroom/", HANDOVER_FORM),
    Endpoint(
        "handover summary",
        "regisseur",
        "/casussen/{outflow_case}/overdracht/",
        HANDOVER_SUMMARY,
    ),
    Endpoint(
        "handover print",
        "regisseur",
        "/casussen/{outflow_case}/overdracht/afdrukken/",
        HANDOVER_SUMMARY,
    ),
    Endpoint("case tab UVO", "regisseur", "/casussen/{case}/uvo/", CASE_UVO),
    Endpoint("case tab budget", "regisseur", "/casussen/{case}/budget/", CASE_BUDGET),
    Endpoint("plan page", "regisseur", "/plannen/{plan}/", PLAN_PAGE),
    Endpoint(
        "goal progress page",
        "regisseur",
        "/plannen/{plan}/doelen/{goal}/voortgang/",
        GOAL_PROGRESS_PAGE,
    ),
    Endpoint(
        "goal amend page", "regisseur", "/plannen/{plan}/doelen/{goal}/wijzigen/", GOAL_AMEND_PAGE
    ),
    Endpoint(
        "application page (new)",
        "regisseur",
        "/plannen/{plan}/doelen/{goal}/aanvraag/",
        APPLICATION_PAGE,
    ),
    Endpoint("escalations · accounthouder", "accounthouder", "/escalaties/", ESCALATIONS_PAGE),
    Endpoint(
        "programme norms",
        "regisseur",
        "/programma/{programme_code}/afspraken/",
        PROGRAMME_NORMS_PAGE,
    ),
    Endpoint("UVO page", "regisseur", "/uvo/{uvo}/", UVO_PAGE),
    Endpoint("ITAT meetings", "itat", "/itat/", ITAT_MEETINGS),
    Endpoint("ITAT agenda", "itat", "/itat/{meeting}/", ITAT_AGENDA),
    Endpoint("casuistry · accounthouder", "accounthouder", "/casuistiek/", CASUISTRY),
    Endpoint("budget report · accounthouder", "accounthouder", "/budget/", BUDGET_REPORT),
    Endpoint("dashboard · accounthouder", "accounthouder", "/dashboard/", DASHBOARD),
    Endpoint(
        "programme figures · programme team",
        "programme_team",
        "/programma/cijfers/",
        PROGRAMME_FIGURES,
    ),
    Endpoint("agreements /afspraken/", "regisseur", "/afspraken/", AGREEMENTS_PAGE),
    Endpoint("agreements overdue", "regisseur", "/afspraken/?show=overdue", AGREEMENTS_OVERDUE),
    Endpoint("commitments /toezeggingen/", "regisseur", "/toezeggingen/", COMMITMENTS),
    Endpoint("inbox", "regisseur", "/meldingen/", INBOX),
    Endpoint("Expertgroep referrals", "expertgroep", "/expertgroep/", REFERRALS),
    Endpoint("access log · beheerder", "beheerder", "/beheer/toegangslog/", ACCESS_LOG),
    Endpoint("API keys · beheerder", "beheerder", "/beheer/api-sleutels/", API_KEYS),
    Endpoint("webhooks · beheerder", "beheerder", "/beheer/webhooks/", WEBHOOKS),
    Endpoint("webhook log · beheerder", "beheerder", "/beheer/webhooks/{webhook}/", WEBHOOK_LOG),
    Endpoint(
        "revoke an API key (the question) · beheerder",
        "beheerder",
        "/beheer/api-sleutels/{api_key}/intrekken/",
        API_KEY_REVOKE,
    ),
    Endpoint(
        "switch a webhook off (the question) · beheerder",
        "beheerder",
        "/beheer/webhooks/{webhook}/aan-uit/",
        WEBHOOK_SWITCH_OFF,
    ),
    Endpoint(
        "renew a webhook's secret (the question) · beheerder",
        "beheerder",
        "/beheer/webhooks/{webhook}/nieuw-geheim/",
        WEBHOOK_SECRET_RENEW,
    ),
    Endpoint(
        "caseload handover · accounthouder",
        "accounthouder",
        "/regisseurs/{regisseur}/overdragen/",
        HANDOVER,
    ),
    Endpoint("my profile · regisseur", "regisseur", "/mijn-profiel/", MY_PROFILE),
    Endpoint(
        "regisseur profiles · accounthouder", "accounthouder", "/regisseurs/", REGISSEUR_PROFILES
    ),
    Endpoint(
        "competence group · accounthouder",
        "accounthouder",
        "/regisseurs/competenties/",
        COMPETENCE_GROUP,
    ),
    Endpoint(
        "who read this person",
        "beheerder",
        "/beheer/toegangslog/personen/{person}/",
        ACCESS_LOG_PERSON,
    ),
    Endpoint("AVG inzage · beheerder", "beheerder", "/beheer/inzage/{person}/", INZAGE),
    Endpoint("retention · beheerder", "beheerder", "/beheer/bewaartermijn/", RETENTION),
    Endpoint("login and security", "regisseur", "/beveiliging/", SECURITY),
    Endpoint("API cases (100)", "system", "/api/v1/cases?page_size=100", API_CASES, "api"),
    Endpoint("API case detail", "system", "/api/v1/cases/{case}", API_CASE, "api"),
    Endpoint("API plans (100)", "system", "/api/v1/plans?page_size=100", API_PLANS, "api"),
    Endpoint("API plan detail", "system", "/api/v1/plans/{plan}", API_PLAN, "api"),
    Endpoint(
        "API agreements (100)", "system", "/api/v1/agreements?page_size=100", API_AGREEMENTS, "api"
    ),
    Endpoint(
        "API agreements sync (100)",
        "system",
        "/api/v1/agreements?ordering=updated_at&page_size=100",
        API_AGREEMENTS_SYNC,
        "api",
    ),
    Endpoint(
        "API agreement detail", "system", "/api/v1/agreements/{agreement}", API_AGREEMENT, "api"
    ),
    Endpoint(
        "API uvo-meetings (100)", "system", "/api/v1/uvo-meetings?page_size=100", API_UVOS, "api"
    ),
    Endpoint(
        "API uvo-meetings sync (100)",
        "system",
        "/api/v1/uvo-meetings?ordering=updated_at&page_size=100",
        API_UVOS_SYNC,
        "api",
    ),
    Endpoint("API uvo-meeting detail", "system", "/api/v1/uvo-meetings/{uvo}", API_UVO, "api"),
    Endpoint(
        "API offence records (100)",
        "system",
        "/api/v1/offence-records?page_size=100",
        API_OFFENCES,
        "api",
    ),
    Endpoint(
        "API ITAT agenda (50)",
        "itat",
        "/api/v1/itat-meetings/{meeting}/agenda?page_size=50",
        ITAT_AGENDA,
        "api",
    ),
    Endpoint(
        "API notifications · regisseur",
        "regisseur",
        "/api/v1/notifications?page_size=100",
        API_NOTIFICATIONS,
        "api",
    ),
]
