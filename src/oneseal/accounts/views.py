"""Sign-in, sign-out and each role's workbench page. A role sees only its own pages."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from oneseal.catalog import selectors as catalog_selectors

from . import selectors
from .policy import PAGES_BY_SLUG, pages_for


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Sign-out is a POST (Django 5): a link cannot sign anyone out."""


@login_required
def workbench(request):
    pages = pages_for(request.user)
    if len(pages) == 1:
        return redirect(_page_url(pages[0].slug))
    return render(request, "accounts/workbench.html", {"pages": pages, "staff": selectors.staff_of(request.user)})


def _page_url(slug: str) -> str:
    return reverse("admin:index") if slug == "admin" else reverse("accounts:role_page", args=[slug])


@login_required
def role_page(request, slug: str):
    page = PAGES_BY_SLUG.get(slug)
    if page is None or slug == "admin":
        raise Http404
    if not request.user.has_perm(page.permission):
        raise PermissionDenied
    staff = selectors.staff_of(request.user)
    context = {"page": page, "staff": staff, "pages": pages_for(request.user),
               "panel": selectors.workbench_panel(slug, staff)}
    context["reform"] = catalog_selectors.reform_stats() if slug == "supervisor" else None
    return render(request, "accounts/role_page.html", context)
