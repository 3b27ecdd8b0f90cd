# Source: Django docs, "Authentication in web requests": `request.user` in a view.
# A plain `def` view runs in a worker thread, where the lazy user may load.
from django.http import JsonResponse


def greeting(request):
    # right: sync code, in a worker thread
    if not request.user.is_authenticated:
        return JsonResponse({"error": "log in first"}, status=401)
    return JsonResponse({"greeting": f"Hello, {request.user.username}!"})
