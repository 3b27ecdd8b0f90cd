# A typical slip: the async method, without `await`.
from django.http import JsonResponse


async def greeting(request):
    # wrong: `user` is a coroutine, not a user
    user = request.auser()
    if not user.is_authenticated:
        return JsonResponse({"error": "log in first"}, status=401)
    return JsonResponse({"greeting": f"Hello, {user.username}!"})
