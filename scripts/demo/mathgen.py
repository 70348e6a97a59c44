"""Seeded generator of worked arithmetic / algebra text (the demo's "math" domain; our own text,
released with the repository). Every document is one problem with a step-by-step solution.
Deterministic: the same seed gives the same documents on every machine (Python's random.Random).
Usage (library): from mathgen import generate; docs = generate(seed, n_bytes)
"""
import random
from fractions import Fraction

NAMES = ["Ava", "Ben", "Chen", "Dana", "Eli", "Fatima", "Goran", "Hana", "Ivan", "Jia", "Kofi", "Lena"]
ITEMS = ["apples", "pencils", "books", "marbles", "stamps", "cards", "shells", "coins"]


def _sign(n):
    return f"+ {n}" if n >= 0 else f"- {-n}"


def add_sub(r):
    a, b, c = r.randint(10, 999), r.randint(10, 999), r.randint(1, 500)
    s = a + b
    return (f"Problem: Compute {a} + {b} - {c}.\n"
            f"Solution: First add {a} and {b}: {a} + {b} = {s}.\n"
            f"Then subtract {c}: {s} - {c} = {s - c}.\n"
            f"Answer: {s - c}")


def multiply(r):
    a, b = r.randint(12, 99), r.randint(12, 99)
    t, u = b // 10 * 10, b % 10
    return (f"Problem: Multiply {a} by {b}.\n"
            f"Solution: Split {b} into {t} + {u}.\n"
            f"{a} x {t} = {a * t}.\n{a} x {u} = {a * u}.\n"
            f"Add the parts: {a * t} + {a * u} = {a * b}.\n"
            f"Answer: {a * b}")


def linear(r):
    x = r.randint(-12, 12)
    a = r.choice([2, 3, 4, 5, 6, 7, 8, 9, -2, -3, -4, -5])
    b = r.randint(-30, 30)
    c = a * x + b
    return (f"Problem: Solve for x: {a}x {_sign(b)} = {c}.\n"
            f"Solution: Subtract {b} from both sides: {a}x = {c} - ({b}) = {c - b}.\n"
            f"Divide both sides by {a}: x = {c - b} / {a} = {x}.\n"
            f"Check: {a} * ({x}) {_sign(b)} = {a * x + b}. Correct.\n"
            f"Answer: x = {x}")


def fractions(r):
    a, b = Fraction(r.randint(1, 9), r.randint(2, 12)), Fraction(r.randint(1, 9), r.randint(2, 12))
    den = a.denominator * b.denominator // _gcd(a.denominator, b.denominator)
    na, nb = a.numerator * (den // a.denominator), b.numerator * (den // b.denominator)
    s = a + b
    return (f"Problem: Add the fractions {a.numerator}/{a.denominator} and {b.numerator}/{b.denominator}.\n"
            f"Solution: The least common denominator is {den}.\n"
            f"{a.numerator}/{a.denominator} = {na}/{den} and {b.numerator}/{b.denominator} = {nb}/{den}.\n"
            f"Sum: {na}/{den} + {nb}/{den} = {na + nb}/{den}, which simplifies to {s.numerator}/{s.denominator}.\n"
            f"Answer: {s.numerator}/{s.denominator}")


def _gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def percent(r):
    p = r.choice([5, 10, 12, 15, 20, 25, 30, 40, 50, 75])
    n = r.randint(2, 80) * 20
    v = n * p // 100
    return (f"Problem: What is {p}% of {n}?\n"
            f"Solution: {p}% means {p}/100. Multiply: {n} * {p} / 100 = {n * p} / 100 = {v}.\n"
            f"Answer: {v}")


def order_ops(r):
    a, b, c, d = r.randint(2, 20), r.randint(2, 12), r.randint(2, 12), r.randint(1, 30)
    return (f"Problem: Evaluate {a} + {b} * {c} - {d}.\n"
            f"Solution: Multiplication comes first: {b} * {c} = {b * c}.\n"
            f"Then work from left to right: {a} + {b * c} = {a + b * c}, and {a + b * c} - {d} = {a + b * c - d}.\n"
            f"Answer: {a + b * c - d}")


def quadratic(r):
    p, q = r.randint(-9, 9), r.randint(-9, 9)
    b, c = -(p + q), p * q
    return (f"Problem: Solve x^2 {_sign(b)}x {_sign(c)} = 0.\n"
            f"Solution: Look for two numbers whose product is {c} and whose sum is {-b}: they are {p} and {q}.\n"
            f"So x^2 {_sign(b)}x {_sign(c)} = (x {_sign(-p)})(x {_sign(-q)}).\n"
            f"A product is zero when a factor is zero: x = {p} or x = {q}.\n"
            f"Answer: x = {min(p, q)} or x = {max(p, q)}")


def system(r):
    x, y = r.randint(-9, 9), r.randint(-9, 9)
    a, b = r.randint(1, 5), r.randint(1, 5)
    c, d = r.randint(1, 5), r.randint(-5, -1)
    e, f = a * x + b * y, c * x + d * y
    det = a * d - b * c
    if det == 0:
        return linear(r)
    return (f"Problem: Solve the system {a}x {_sign(b)}y = {e} and {c}x {_sign(d)}y = {f}.\n"
            f"Solution: The determinant is {a} * ({d}) - {b} * {c} = {det}.\n"
            f"By Cramer's rule, x = ({e} * ({d}) - {b} * {f}) / {det} = {e * d - b * f} / {det} = {x}.\n"
            f"And y = ({a} * {f} - {e} * {c}) / {det} = {a * f - e * c} / {det} = {y}.\n"
            f"Answer: x = {x}, y = {y}")


def word(r):
    n, m = r.sample(NAMES, 2)
    item = r.choice(ITEMS)
    a, k, g = r.randint(5, 60), r.randint(2, 6), r.randint(1, 20)
    return (f"Problem: {n} has {a} {item}. {m} has {k} times as many {item} as {n}, "
            f"then gives away {g} of them. How many {item} does {m} have now?\n"
            f"Solution: {m} starts with {k} * {a} = {k * a} {item}.\n"
            f"After giving away {g}: {k * a} - {g} = {k * a - g}.\n"
            f"Answer: {k * a - g} {item}")


def rectangle(r):
    w, h = r.randint(2, 40), r.randint(2, 40)
    return (f"Problem: A rectangle is {w} cm wide and {h} cm long. Find its area and perimeter.\n"
            f"Solution: Area = width * length = {w} * {h} = {w * h} square cm.\n"
            f"Perimeter = 2 * (width + length) = 2 * ({w} + {h}) = 2 * {w + h} = {2 * (w + h)} cm.\n"
            f"Answer: area {w * h} square cm, perimeter {2 * (w + h)} cm")


TEMPLATES = [add_sub, multiply, linear, fractions, percent, order_ops, quadratic, system, word, rectangle]


def generate(seed, n_bytes):
    """Distinct documents, in generation order, until their UTF-8 total reaches n_bytes."""
    r = random.Random(seed)
    docs, seen, total = [], set(), 0
    while total < n_bytes:
        doc = r.choice(TEMPLATES)(r)
        if doc in seen:
            continue
        seen.add(doc)
        docs.append(doc)
        total += len(doc.encode("utf-8"))
    return docs


if __name__ == "__main__":
    for d in generate(1, 1200):
        print(d, end="\n\n")
