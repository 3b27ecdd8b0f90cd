"""Exercise 17 — who is asking?

The shop greets its logged-in customers by name and turns anonymous visitors
away. `request.user` is lazy: reading it the first time loads the session
and the user from the database, with sync queries, which Django refuses in an
async view.
"""

from django.http import HttpRequest, JsonResponse


async def greeting(request: HttpRequest) -> JsonResponse:
    # TODO: load the user with `user = await request.auser()`, and use `user` below.
    if not request.user.is_authenticated:
        return JsonResponse({"error": "log in first"}, status=401)
    return JsonResponse({"greeting": f"Hello, {request.user.username}!"})
