import asyncio

from django.http import JsonResponse

from course.mirrors import MIRRORS, fetch_from


async def forecast(request):
    answers = await asyncio.gather(*(fetch_from(mirror) for mirror in MIRRORS))
    return JsonResponse(answers[0])
