from .roles import roles_of


def roles(request):
    """Expose the user's role codes to templates (for the navigation only; views check permissions)."""
    return {"user_roles": roles_of(getattr(request, "user", None))}
