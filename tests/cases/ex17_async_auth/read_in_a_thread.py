# Source: the answer given before Django 5.0 (Stack Overflow, "request.user in
# async view"): evaluate the lazy user inside sync_to_async.
from asgiref.sync import sync_to_async
from django.http import JsonResponse


def who(request):
    user = request.user  # evaluated here, in the worker thread
    return user.username if user.is_authenticated else None


async def greeting(request):
    # right: the session and user queries run in a worker thread
    username = await sync_to_async(who)(request)
    if username is None:
        return JsonResponse({"error": "log in first"}, status=401)
    return JsonResponse({"greeting": f"Hello, {username}!"})
