# Wrong: is_authenticated called as a method, a Django 1.x habit (a property since Django 1.10).
# Source: Django 1.10 release notes ("is_authenticated ... are now properties"); a new learner's
# attempt (issue 15).
from django.http import JsonResponse


async def greeting(request):
    user = await request.auser()
    if not user.is_authenticated():
        return JsonResponse({"error": "log in first"}, status=401)
    return JsonResponse({"greeting": f"Hello, {user.username}!"})
