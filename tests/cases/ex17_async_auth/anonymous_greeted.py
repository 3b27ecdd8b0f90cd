# The user loaded the async way, but anonymous visitors are not turned away.
from django.http import JsonResponse


async def greeting(request):
    user = await request.auser()
    # wrong: an AnonymousUser has an empty username, and gets a 200
    return JsonResponse({"greeting": f"Hello, {user.username}!"})
