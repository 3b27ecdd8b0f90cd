# Wrong: the three calls side by side in a thread pool, as the Python docs' ThreadPoolExecutor
# example loads URLs (concurrent.futures, "ThreadPoolExecutor Example"). The page is as fast
# as the slowest call, but every call holds a thread while it waits.
import concurrent.futures

import httpx
from django.http import JsonResponse

from course.dashboard import NEWS_URL, STOCKS_URL, WEATHER_URL


def load_url(url, timeout):
    return httpx.get(url, timeout=timeout).json()


def dashboard(request):
    urls = {"weather": WEATHER_URL, "news": NEWS_URL, "stocks": STOCKS_URL}
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as executor:
        futures = {part: executor.submit(load_url, url, 10) for part, url in urls.items()}
        return JsonResponse({part: future.result() for part, future in futures.items()})
