# Source: Django docs, "Using the Django authentication system":
# `aget_user(request)`, the async version of get_user() (new in Django 5.0).
from django.contrib.auth import aget_user
from django.http import JsonResponse


async def greeting(request):
    # right: the user is loaded without holding the event loop
    user = await aget_user(request)
    if not user.is_authenticated:
        return JsonResponse({"error": "log in first"}, status=401)
    return JsonResponse({"greeting": f"Hello, {user.username}!"})
