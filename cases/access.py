"""The access log (NEN 7513 style): one mechanism that logs every request showing personal data.

Wrap a page with `@access_logged` (function views) and a viewset with `AccessLoggedMixin` (first
in its bases). Either opens a record for the request; what the response shows is noted on it:

- `visible_get(queryset, pk=...)`, the selectors' get-or-404 over a visible-queryset, notes the
  object it returns as shown, and the id asked for as refused when the user may not see it;
- a page's template context, after rendering (`AccessLoggedTemplates`): every top-level value,
  walked through lists, pages, evaluated querysets and dataclasses;
- an API response's serializer instances (`response.data.serializer.instance`);
- `access_shown(*objects)` for anything else a view shows.

After the response is built, one entry and one bulk insert of its subjects are written
(`services.access_log_write`) when a 2xx response showed personal data (or answered a search),
or when a 404 refused an object asked for. Redirects and other errors show nothing and write
nothing.

Which models are personal data, and the way from each to its person and case, is the registry
filled with `access_subject` by each app (`cases.apps`, `plans.apps`, `meetings.apps`).
Subjects are found from what is loaded: a relation that was not loaded is resolved with one
query per model for the whole response, never one per row.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.core.signals import setting_changed
from django.db.models import Manager, Model, QuerySet, Subquery
from django.dispatch import receiver
from django.http import Http404
from django.template.backends.django import DjangoTemplates, Template, reraise
from django.template.exceptions import TemplateDoesNotExist
from django.template.response import SimpleTemplateResponse
from rest_framework.exceptions import NotFound

from cases.models import AccessAction, AccessChannel, AccessOutcome

#: Query parameters that carry a search text (pages and the API's `SearchFilter`).
SEARCH_PARAMETERS = ("q", "search")

#: How deep the walk goes into a context or response (context → page → row → child rows).
_MAX_DEPTH = 6

#: Values that hold no model: the walk does not step into them (a history page holds thousands
#: of strings and dates in its entries).
_PLAIN = (str, bytes, int, float, date, Decimal)

Pair = tuple[int, "int | None"]  # (person id, case id or None)


@dataclasses.dataclass(frozen=True)
class _SubjectSpec:
    case: str | None = None  # the path to the case ("" for the case itself)
    persons: tuple[str, ...] = ()  # direct person foreign keys ("" for the person itself)
    children: str | None = None  # an attribute holding more objects to walk
    pairs: Callable[[Any], Iterable[Pair]] | None = None


_SUBJECTS: dict[type[Model], _SubjectSpec] = {}


def access_subject(
    model: type[Model],
    *,
    case: str | None = None,
    persons: tuple[str, ...] = (),
    children: str | None = None,
    pairs: Callable[[Any], Iterable[Pair]] | None = None,
) -> None:
    """Declare `model` as personal data: `case` is the path to its case (`"plan__case"`),
    `persons` its direct person foreign keys, `children` an attribute with more objects to walk
    (a prefetched relation or a list), `pairs` a function giving (person id, case id) itself."""
    _SUBJECTS[model] = _SubjectSpec(case=case, persons=persons, children=children, pairs=pairs)


def is_subject_model(model: type[Model]) -> bool:
    """Personal data with a way to its person: a refused id of it names whom it was about."""
    spec = _SUBJECTS.get(model._meta.concrete_model)
    return spec is not None and (spec.case is not None or bool(spec.persons))


class _Collector:
    """The (person, case) pairs a response shows, found without a query per row."""

    def __init__(self) -> None:
        self.pairs: set[Pair] = set()
        # (model, "case" or "person", path) → pks whose case or person was not loaded
        self.pending: dict[tuple[type[Model], str, str], set[Any]] = defaultdict(set)

    def walk(self, value: Any, depth: int = 0) -> None:
        if value is None or isinstance(value, _PLAIN) or depth > _MAX_DEPTH:
            return
        if isinstance(value, Model):
            self._model(value, depth)
            return
        serializer = getattr(value, "serializer", None)  # DRF's ReturnDict / ReturnList
        if serializer is not None and hasattr(serializer, "instance"):
            self.walk(serializer.instance, depth + 1)
            return
        if isinstance(value, QuerySet):
            if value._result_cache is not None:  # only what was evaluated was shown
                self._each(value._result_cache, depth + 1)
            return
        if isinstance(value, Page) or isinstance(getattr(value, "object_list", None), list):
            self.walk(value.object_list, depth + 1)  # a page (also `acvz.web.UncountedPage`)
            return
        if isinstance(value, dict):
            self._each(value.values(), depth + 1)
            return
        if isinstance(value, list | tuple | set | frozenset):
            self._each(value, depth + 1)
            return
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            self._each((getattr(value, f.name, None) for f in dataclasses.fields(value)), depth + 1)

    def _each(self, values: Iterable[Any], depth: int) -> None:
        for value in values:
            if value is not None and not isinstance(value, _PLAIN):
                self.walk(value, depth)

    def _model(self, obj: Model, depth: int) -> None:
        spec = _SUBJECTS.get(obj._meta.concrete_model)
        if spec is None:
            return
        if spec.pairs is not None:
            self.pairs.update((p, c) for p, c in spec.pairs(obj) if p is not None)
        for path in spec.persons:
            person_id = obj.pk if path == "" else getattr(obj, obj._meta.get_field(path).attname)
            if person_id is not None:
                self.pairs.add((person_id, None))
        if spec.case is not None:
            self._case(obj, spec.case)
        if spec.children:
            self.walk(_loaded(obj, spec.children), depth + 1)

    def _case(self, obj: Model, path: str) -> None:
        if path == "":
            self.pairs.add((obj.person_id, obj.pk))
            return
        current = obj
        steps = path.split("__")
        for step in steps[:-1]:
            field = current._meta.get_field(step)
            if not field.is_cached(current):
                self.pending[(obj._meta.concrete_model, "case", path)].add(obj.pk)
                return
            current = getattr(current, step)
            if current is None:
                return
        field = current._meta.get_field(steps[-1])
        case_id = getattr(current, field.attname)
        if case_id is None:
            return
        if field.is_cached(current):
            self.pairs.add((getattr(current, steps[-1]).person_id, case_id))
        else:
            from cases.models import Case

            self.pending[(Case, "case", "")].add(case_id)

    def note_refused(self, model: type[Model], pk: Any) -> None:
        spec = _SUBJECTS[model._meta.concrete_model]
        if spec.case is not None:
            self.pending[(model._meta.concrete_model, "case", spec.case)].add(pk)
        for path in spec.persons:
            self.pending[(model._meta.concrete_model, "person", path)].add(pk)

    def resolve(self) -> set[Pair]:
        """The pairs, with what was not loaded looked up in one query per model."""
        pairs = set(self.pairs)
        known_cases = {case_id for _person_id, case_id in pairs if case_id is not None}
        for (model, kind, path), pks in self.pending.items():
            if kind == "case" and path == "" and model._meta.model_name == "case":
                pks = pks - known_cases  # the case was shown with its person elsewhere
                if not pks:
                    continue
            rows = model._base_manager.filter(pk__in=pks)
            if kind == "person":
                found = rows.values_list(path or "pk", flat=True)
                pairs.update((person_id, None) for person_id in found if person_id is not None)
                continue
            case_field, person_field = ("pk", "person") if path == "" else (path, f"{path}__person")
            found = rows.values_list(person_field, case_field)
            pairs.update((p, c) for p, c in found if p is not None)
        with_case = {p for p, c in pairs if c is not None}
        return {(p, c) for p, c in pairs if c is not None or p not in with_case}


def _loaded(obj: Model, name: str) -> Any:
    """A relation's prefetched rows, or a plain attribute; never a query."""
    prefetched = getattr(obj, "_prefetched_objects_cache", {})
    if name in prefetched:
        return list(prefetched[name])
    value = getattr(obj, name, None)
    return None if isinstance(value, Manager) else value


# --- the request's record -----------------------------------------------------------------------


@dataclasses.dataclass
class AccessRecord:
    channel: str
    action: str | None = None
    collector: _Collector = dataclasses.field(default_factory=_Collector)
    refused: _Collector | None = None

    def shown(self, *objects: Any) -> None:
        for value in objects:
            self.collector.walk(value)

    def refuse(self, model: type[Model], pk: Any) -> None:
        """The id asked for that the visible-queryset did not hold (the first refusal counts).
        A malformed or missing id is logged as refused without a subject."""
        if self.refused is not None or not is_subject_model(model):
            return
        self.refused = _Collector()
        try:
            pk = model._meta.pk.to_python(pk)
        except (ValidationError, ValueError, TypeError):
            return
        if isinstance(pk, int) and not -(2**63) < pk < 2**63:
            return
        self.refused.note_refused(model, pk)

    @property
    def has_shown(self) -> bool:
        return bool(self.collector.pairs or self.collector.pending)

    def write(self, request, *, status_code: int, default_action: str) -> None:
        from cases import services

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        query = _search_text(request)
        action = self.action or (AccessAction.SEARCH if query else default_action)
        if status_code == 404 and self.refused is not None:
            outcome, subjects = AccessOutcome.REFUSED, self.refused.resolve()
        elif 200 <= status_code < 300:
            outcome, subjects = AccessOutcome.SHOWN, self.collector.resolve()
            if not (subjects or query):
                return
        else:
            return
        services.access_log_write(
            user=user,
            channel=self.channel,
            path=request.get_full_path(),
            action=action,
            query=query,
            outcome=outcome,
            subjects=subjects,
            # A partner system's token (not a person's session): the data left the system.
            disclosed=(
                self.channel == AccessChannel.API
                and outcome == AccessOutcome.SHOWN
                and getattr(request, "auth", None) is not None
            ),
        )


_current: ContextVar[AccessRecord | None] = ContextVar("regie_access_record", default=None)


def current_access_record() -> AccessRecord | None:
    return _current.get()


def access_shown(*objects: Any) -> None:
    """Note objects (models, lists, querysets, pages) the response shows; a no-op outside a
    logged request."""
    record = _current.get()
    if record is not None:
        record.shown(*objects)


def visible_get(queryset: QuerySet, **lookup) -> Any:
    """`get_object_or_404` over a visible-queryset that tells the access log: the object found
    is shown, the id asked for (when the user may not see it, or it is missing) refused."""
    try:
        obj = _case_pinned(queryset, **lookup).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        record = _current.get()
        if record is not None and "pk" in lookup:
            record.refuse(queryset.model, lookup["pk"])
        raise Http404(f"No {queryset.model._meta.object_name} matches the given query.") from None
    access_shown(obj)
    return obj


def _case_pinned(queryset: QuerySet, **lookup) -> QuerySet:
    """`queryset` also filtered on the case of the object `lookup` names, read by a subquery
    (`case_id = (SELECT case_id … WHERE id = 7)`). Of `plan.id = 7 AND plan.case_id IN
    (<the cases the user sees>)` PostgreSQL cannot tell which case to look for, so it gathers
    every case the user sees (the police's 8,400 grants: 3.5 ms); with the case as a value it
    looks that one case up in each part of the visibility (0.15 ms). A case itself (its id is
    the value) and models of no case are read as they are."""
    spec = _SUBJECTS.get(queryset.model._meta.concrete_model)
    if spec is None or not spec.case:
        return queryset
    case = queryset.model._base_manager.filter(**lookup).values(spec.case)[:1]
    return queryset.filter(**{spec.case: Subquery(case)})


def _search_text(request) -> str:
    params = getattr(request, "query_params", None) or request.GET
    for name in SEARCH_PARAMETERS:
        value = params.get(name, "").strip()
        if value:
            return value[:200]
    return ""


# --- pages --------------------------------------------------------------------------------------


def access_logged(view: Callable | None = None, *, action: str | None = None):
    """Log what a page shows (see the module docstring). Put it right above the function; the
    marker `view.access_logged` survives the decorators stacked on top. `action` overrides the
    kind (e.g. `AccessAction.EXPORT` for a print page); by default a search text makes it a
    search, an id in the URL a detail, anything else a list."""

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(request, *args, **kwargs):
            if _current.get() is not None:  # already logged by an outer layer
                return function(request, *args, **kwargs)
            record = AccessRecord(channel=AccessChannel.WEB, action=action)
            default = AccessAction.DETAIL if "pk" in kwargs else AccessAction.LIST
            token = _current.set(record)
            try:
                response = function(request, *args, **kwargs)
                if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                    response.render()  # the context is walked while the record is open
            except Http404:
                _current.reset(token)
                record.write(request, status_code=404, default_action=default)
                raise
            except BaseException:
                _current.reset(token)
                raise
            _current.reset(token)
            record.write(request, status_code=response.status_code, default_action=default)
            return response

        wrapper.access_logged = True
        return wrapper

    return decorate(view) if view is not None else decorate


class _AccessLoggedTemplate(Template):
    def render(self, context=None, request=None):
        html = super().render(context, request)
        record = _current.get()
        if record is not None and request is not None and context:
            record.shown(context)  # after rendering: the querysets the page showed are loaded
        return html


class AccessLoggedTemplates(DjangoTemplates):
    """Django's template backend, telling the access log what a logged page rendered."""

    def from_string(self, template_code):
        return _AccessLoggedTemplate(self.engine.from_string(template_code), self)

    def get_template(self, template_name):
        try:
            return _AccessLoggedTemplate(self.engine.get_template(template_name), self)
        except TemplateDoesNotExist as exc:
            reraise(exc, self)


# --- the API ------------------------------------------------------------------------------------


class AccessLoggedMixin:
    # For DRF viewsets, first in the bases: logs what each response shows (its serializer
    # instances and the objects `visible_get` returned), and a 404 on a detail URL as a refused
    # read of the id asked for. `access_log_action` overrides the kind (`AccessAction.EXPORT`).
    # (A comment, not a docstring: drf-spectacular would show a docstring as the API's text.)

    access_logged = True
    access_log_action: str | None = None
    #: The viewset's actions that list (logged as a list, not as the read of one object).
    access_log_list_actions: frozenset[str] = frozenset({"list"})

    def dispatch(self, request, *args, **kwargs):
        if _current.get() is not None:
            return super().dispatch(request, *args, **kwargs)
        record = AccessRecord(channel=AccessChannel.API, action=self.access_log_action)
        token = _current.set(record)
        try:
            response = super().dispatch(request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                record.shown(getattr(response, "data", None))
        finally:
            _current.reset(token)
        listed = getattr(self, "action", None) in self.access_log_list_actions
        default = AccessAction.LIST if listed else None
        record.write(
            self.request,
            status_code=response.status_code,
            default_action=default or AccessAction.DETAIL,
        )
        return response

    def handle_exception(self, exc):
        record = _current.get()
        if (
            record is not None
            and isinstance(exc, Http404 | NotFound)
            and record.refused is None
            and not record.has_shown
        ):
            lookup = getattr(self, "lookup_url_kwarg", None) or getattr(self, "lookup_field", "pk")
            if lookup in self.kwargs:
                try:
                    model = self.get_queryset().model
                except Exception:
                    model = None
                if model is not None:
                    record.refuse(model, self.kwargs[lookup])
        return super().handle_exception(exc)


# --- what a logged request showed, in words ---------------------------------------------------

#: URL name → what that page shows, for the access-log page and its export. Each app adds its
#: own pages (`page_labels`, in its AppConfig.ready); an unknown page is shown by its path.
_PAGE_LABELS: dict[str, Any] = {}


def page_labels(labels: dict[str, Any]) -> None:
    _PAGE_LABELS.update(labels)


def page_label(path: str) -> str:
    """What the logged request at `path` showed ("Basisdossier", "Plan version"), or ""."""
    label = _PAGE_LABELS.get(_view_name(path.split("?", 1)[0]))
    if label is None and path.startswith("/api/"):
        return str(_PAGE_LABELS.get("api", ""))
    return str(label or "")


@functools.lru_cache(maxsize=1024)
def _view_name(path: str) -> str | None:
    """The URL name `path` resolves to (None for none). Kept per path: a person's inzage names
    the page of each of their hundreds of logged reads, mostly the same few paths, and resolving
    walks the URLconf's patterns in turn (0.05 ms a path)."""
    from django.urls import Resolver404, resolve

    try:
        return resolve(path).view_name
    except Resolver404:
        return None


@receiver(setting_changed)
def _urlconf_changed(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _view_name.cache_clear()
