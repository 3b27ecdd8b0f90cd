# Seen in Q&A answers: `await sync_to_async(lambda: request.user)()`. The
# lambda hands back the lazy object without loading it, so the load still
# happens on the event loop, at the first attribute read.
from asgiref.sync import sync_to_async
from django.http import JsonResponse


async def greeting(request):
    user = await sync_to_async(lambda: request.user)()
    # wrong: the user is loaded here, on the loop
    if not user.is_authenticated:
        return JsonResponse({"error": "log in first"}, status=401)
    return JsonResponse({"greeting": f"Hello, {user.username}!"})
