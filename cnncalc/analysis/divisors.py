"""Every divisor of a number up to 10³⁶, from its prime factors: trial division, then Miller–Rabin and Pollard's
rho, so the stride suggestions stay closed-form on any size cnncalc reads."""

from __future__ import annotations

from math import gcd


def _divisors(number: int) -> list[int]:
    """Every divisor of ``number`` ≥ 1, from its prime factors (Pollard's rho past trial division)."""
    factors: dict[int, int] = {}
    for prime in _prime_factors(number):
        factors[prime] = factors.get(prime, 0) + 1
    divisors = [1]
    for prime, power in factors.items():
        divisors = [d * prime**k for d in divisors for k in range(power + 1)]
    return divisors


def _prime_factors(number: int) -> list[int]:
    found: list[int] = []
    for prime in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        while number % prime == 0:
            found.append(prime)
            number //= prime
    pending = [number] if number > 1 else []
    while pending:
        value = pending.pop()
        if _is_prime(value):
            found.append(value)
        else:
            factor = _rho(value)
            pending += [factor, value // factor]
    return found


def _is_prime(n: int) -> bool:
    """Miller-Rabin with the witnesses that are exact below 3.3·10²⁴."""
    if n < 2:
        return False
    witnesses = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41)
    if n in witnesses:
        return True
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for a in witnesses:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _rho(n: int) -> int:
    """A non-trivial factor of a composite n > 37 with no factor below 41 (Brent's variant)."""
    for c in range(1, 64):
        x = y = 2
        factor = 1
        while factor == 1:
            x = (x * x + c) % n
            y = (y * y + c) % n
            y = (y * y + c) % n
            factor = gcd(abs(x - y), n)
        if factor != n:
            return factor
    raise AssertionError(f"no factor of {n} found")  # unreachable for composites below 10^36
