"""The working-time calendar's state: imported State Council schedules, local overrides and the
revision token that tells every process when to rebuild its index (see kernel/workcal.py).

Writes go through kernel/calendar_services.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DaySource(models.TextChoices):
    SCHEDULE = "schedule", _("State Council schedule")  # 国务院放假安排
    LOCAL = "local", _("local override")  # 本地调整


class CalendarYear(models.Model):
    """A year whose State Council holiday schedule has been imported: that year is no longer
    provisional and its holidays come from the schedule, not from chinese-calendar."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source_name = models.CharField(_("source"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("imported holiday schedule")
        verbose_name_plural = _("imported holiday schedules")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One day that differs from the rest of the calendar: a holiday (放假) or a working day (上班).

    A `schedule` day belongs to an imported year's schedule; a `local` day is the administrator's
    override and wins over everything else. At most one of each per date."""

    date = models.DateField(_("date"))
    working = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=DaySource.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["date", "source"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.UniqueConstraint(fields=["date", "source"], name="calendar_day_one_per_source"),
        ]

    def __str__(self) -> str:
        kind = _("working day") if self.working else _("holiday")
        return f"{self.date:%Y-%m-%d} {kind} {self.name}".strip()


class CalendarRevision(models.Model):
    """A single row whose token changes with every calendar write. Each process compares it with
    the token its index was built from (kernel/workcal.py `get_calendar`). A random token rather
    than a counter, so a rolled-back write can never leave two different calendars with equal
    revisions."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON)
    token = models.CharField(_("token"), max_length=32)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar revision")

    def __str__(self) -> str:
        return self.token

    @classmethod
    def current(cls) -> str:
        return cls.objects.filter(pk=cls.SINGLETON).values_list("token", flat=True).first() or ""

    @classmethod
    def bump(cls) -> str:
        import uuid

        token = uuid.uuid4().hex
        cls.objects.update_or_create(pk=cls.SINGLETON, defaults={"token": token})
        return token
