"""Exercise 17 — who is asking?

The shop greets its logged-in customers by name and turns anonymous visitors
away. The user is loaded with `await request.auser()`, the async twin of the
lazy `request.user`, so the session and user queries do not hold the loop.
"""

from django.http import HttpRequest, JsonResponse


async def greeting(request: HttpRequest) -> JsonResponse:
    user = await request.auser()
    if not user.is_authenticated:
        return JsonResponse({"error": "log in first"}, status=401)
    return JsonResponse({"greeting": f"Hello, {user.username}!"})
