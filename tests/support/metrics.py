"""Reading a running process's Prometheus /metrics the way a scraper would."""

import httpx
from prometheus_client.parser import text_string_to_metric_families

Labels = frozenset[tuple[str, str]]


async def metric_samples(url: str, name: str) -> dict[Labels, float]:
    """Every sample called `name` (e.g. `accelerator_batch_seconds_count`), by its labels."""
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(f"{url}/metrics")
    response.raise_for_status()
    return {
        frozenset(sample.labels.items()): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name == name
    }


async def metric_sum(url: str, name: str, **labels: str) -> float:
    """The sum of the samples called `name` whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for k, v in (await metric_samples(url, name)).items() if wanted <= k)
