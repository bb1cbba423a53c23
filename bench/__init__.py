"""Speed and memory benchmarks: `make bench` (python -m bench.run). Each module has a run() that
prints its figures as ratios against a baseline measured in the same run, plus absolute numbers,
one line per figure: `bench <name>: <value> (target <target>): met` (or `NOT met`)."""


def verdict_line(name: str, value: str, target: str, met: bool) -> str:
    """Print (and return) the one line of a measured figure against its target."""
    text = f"bench {name}: {value} (target {target}): {'met' if met else 'NOT met'}"
    print(text, flush=True)
    return text


def login(client, user) -> None:
    """Log `user` into the test client as a whole login does: the password and, for an account
    that needs one (berakhlak.permissions.requires_second_factor), a verified second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from berakhlak.permissions import requires_second_factor

    client.force_login(user)
    if requires_second_factor(user):
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "bench"}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
