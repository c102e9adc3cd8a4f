"""Generalization with a third engine and renderer: MuJoCo physics, MuJoCo's OpenGL renderer.

    pip install -e ".[bench]"          # mujoco (rendered headless: MUJOCO_GL=egl, or osmesa)
    python bench/mujoco_eval.py [--seeds 0 1 2] [--out bench/out/mujoco] [--only NAME ...]

``engine3d_eval.py`` films Bullet through its CPU TinyRenderer: flat Lambert shading and blob
shadows pasted in by hand. The hidden evaluation set is "made with a different renderer and a
real physics engine", so this set keeps engine3d's scenes (the same names, the same injected
violations and the same ground truth) and changes both: MuJoCo simulates them (soft contacts,
restitution from a stiff damped spring, rolling friction, boxes and cylinders tumbling over
their edges) and its OpenGL renderer draws them, with what TinyRenderer lacks: per-pixel
Phong shading with specular highlights, shadows cast from one or two lights (spot or
directional) by shadow maps, so two shadows per body when there are two lights,
multi-sample anti-aliasing, a skybox above the wall, and floors that vary by seed: a
checkerboard, a blotchy concrete-like texture, or a speckled floor that reflects the bodies.
The camera is engine3d's: 0.9-1.4 m above the floor looking down at it, 45-55 degree field
of view, panning and shaking on odd seeds, 24, 30 or 60 fps, sensor noise, H.264 at CRF 23.

Bodies are free bodies with two geoms: an invisible one that collides and a drawn one that
does not, so the renderer-side violations change only the picture: vanish and appear set the
drawn geom's alpha (a geom with alpha 0 casts no shadow either), morph scales it. Physics
runs at 1920 Hz: a contact is a spring of 800 rad/s whose damping sets the restitution, and
it needs a few steps per bounce (at 240 Hz MuJoCo's bounces gain energy at random). Random
streams are ``[seed, scene index, 5]``, not engine3d's, so the same seed is not the same clip.

Plausible scenes must get no finding; each violation scene has one violation, injected into
the simulation (teleport, hover, antigravity, impulse, energy gain, falling through the
floor, sinking into it at rest, passing through another body) or into the rendering
(vanish, appear, morph), with its frame span as ground truth, scored as in
``engine_eval.py``.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from engine_eval import _color as engine_eval_color  # noqa: E402
from engine_eval import encoder, evaluate_set, save_truth, set_args  # noqa: E402

os.environ.setdefault("MUJOCO_GL", "egl")  # read when mujoco is imported: headless rendering
try:
    import mujoco
except ImportError:  # pragma: no cover - the bench extra is not installed
    mujoco = None

W, H = 640, 360
G = 9.81
PHYSICS_HZ = 1920
"""Physics steps per second: a multiple of 24, 30 and 60 fps, and ~8 steps per contact."""
CONTACT_RAD_S = 800.0
"""Angular frequency of the contact spring: a ball hitting at 5 m/s goes ~6 mm into the floor."""


def _solref(e: float) -> str:
    """MuJoCo's direct contact parameters (-stiffness, -damping) for a restitution ``e``: a
    damped spring whose half period ends with the speed multiplied by ``e``."""
    ln = math.log(e)
    zeta = -ln / math.sqrt(math.pi**2 + ln**2)
    return f"{-CONTACT_RAD_S**2:.0f} {-2 * zeta * CONTACT_RAD_S:.1f}"


@dataclass
class Body:
    name: str
    shape: str
    """MuJoCo's geom type: sphere, box or cylinder."""
    size: tuple[float, ...]
    """MuJoCo's geom size: (radius,), three half sides, or (radius, half length)."""
    radius_m: float
    mass: float
    color: tuple[float, float, float]
    pos: tuple[float, float, float]
    vel: tuple[float, ...]
    """Linear velocity (world) and angular velocity (body frame), as a free joint's qvel."""
    e: float
    friction: str
    euler: tuple[float, float, float] = (0.0, 0.0, 0.0)
    bid: int = -1
    qadr: int = -1
    """Where its position (x, y, z, then the quaternion) starts in qpos, once built."""
    dadr: int = -1
    """Where its velocity starts in qvel, once built."""
    gcol: int = -1
    """The geom that collides (never drawn)."""
    gvis: int = -1
    """The geom that is drawn (never collides)."""


@dataclass
class Scene:
    bodies: list[Body] = field(default_factory=list)
    duration_s: float = 3.0
    hooks: list[Callable[[float], None]] = field(default_factory=list)
    """Called before each physics step with the time: where violations are injected."""
    violation: str | None = None
    span_s: tuple[float, float] | None = None
    focus: Body | None = None
    excludes: list[tuple[Body, Body]] = field(default_factory=list)
    """Pairs of bodies that do not collide."""
    look: str = ""
    """The world's XML (floor, wall, lights) and its ``assets`` (floor texture image)."""
    assets: dict[str, bytes] = field(default_factory=dict)
    model: object = None
    data: object = None


def _color(rng: np.random.Generator) -> tuple[float, float, float]:
    """engine_eval's saturated colours, as MuJoCo's 0-1 RGB."""
    r, g, b = engine_eval_color(rng)
    return r / 255.0, g / 255.0, b / 255.0


def _v(xs: object) -> str:
    return " ".join(f"{float(x):.4g}" for x in np.ravel(np.asarray(xs, np.float64)))


def new_world(rng: np.random.Generator, seed: int) -> Scene:
    """A floor whose look varies by seed (checkerboard, blotchy texture, a speckled floor that
    reflects), a wall, a sky, and one or two lights that cast shadows."""
    sc = Scene()
    look = seed % 3
    if look == 0:
        base = rng.uniform(0.25, 0.45)
        tex = (f'<texture name="floor" type="2d" builtin="checker" width="512" height="512" '
               f'rgb1="{_v(base + rng.uniform(-0.04, 0.04, 3))}" '
               f'rgb2="{_v(base + 0.25 + rng.uniform(-0.04, 0.04, 3))}"/>')
        mat = (f'<material name="floor" texture="floor" texuniform="true" '
               f'texrepeat="{_v([rng.uniform(0.8, 1.6)] * 2)}" reflectance="0"/>')
    elif look == 1:  # a blotchy concrete-like floor, as engine3d's
        img = np.tile(rng.integers(60, 200, (64, 64, 3)).astype(np.uint8), (3, 3, 1))
        # blurred and scaled as a 3 x 3 mosaic, its middle tile kept: it repeats seamlessly
        img = cv2.resize(cv2.GaussianBlur(img, (0, 0), 1.5), (1536, 1536))[512:1024, 512:1024]
        sc.assets["floor.png"] = cv2.imencode(".png", img)[1].tobytes()
        tex = '<texture name="floor" type="2d" file="floor.png"/>'
        mat = ('<material name="floor" texture="floor" texuniform="true" texrepeat="0.4 0.4" '
               'specular="0.2" shininess="0.2"/>')
    else:  # a plain speckled floor that mirrors the bodies a little
        c = rng.uniform(0.3, 0.55, 3)
        tex = (f'<texture name="floor" type="2d" builtin="flat" mark="random" random="0.08" '
               f'width="512" height="512" rgb1="{_v(c)}" markrgb="{_v(np.minimum(c + 0.2, 1))}"/>')
        mat = (f'<material name="floor" texture="floor" texuniform="true" texrepeat="0.5 0.5" '
               f'reflectance="{rng.uniform(0.15, 0.3):.3g}"/>')
    wall_c = rng.uniform(0.5, 0.8) + rng.uniform(-0.06, 0.06, 3)
    wall_h = rng.uniform(0.9, 1.8)  # half height: the sky shows above a low wall
    sky = rng.uniform(0.55, 0.9, 3)
    lights = []
    n = 1 + int(rng.random() < 0.5)
    for i in range(n):
        # a lamp 2.5-4 m up, or (first light, 2 in 5) a far narrow one whose rays are almost
        # parallel, as the sun's (a directional light's shadow map speckles the wall with acne)
        far = i == 0 and rng.random() < 0.4
        pos = np.array([rng.uniform(-1.5, 1.5), rng.uniform(-1.0, 1.5), rng.uniform(2.5, 4.0)])
        if far:
            pos = np.array([0, 1, 0]) + (pos - [0, 1, 0]) * rng.uniform(2.0, 2.6)
        aim = np.array([rng.uniform(-0.5, 0.5), 1.0, 0.0]) - pos
        cutoff = rng.uniform(40, 50) if far else rng.uniform(55, 70)
        light = rng.uniform(0.5, 0.75) if n == 1 else rng.uniform(0.35, 0.5)
        lights.append(f'<light type="spot" pos="{_v(pos)}" dir="{_v(aim)}" castshadow="true" '
                      f'cutoff="{cutoff:.3g}" exponent="2" diffuse="{_v([light] * 3)}" '
                      f'specular="{_v([0.35] * 3)}"/>')
    spec, shine = rng.uniform(0.3, 0.8), rng.uniform(0.3, 0.9)
    sc.look = f"""
  <asset>
    <texture name="sky" type="skybox" builtin="gradient" width="256" height="256"
             rgb1="{_v(sky)}" rgb2="{_v(sky * 0.4)}"/>
    {tex}
    {mat}
    <material name="body" specular="{spec:.3g}" shininess="{shine:.3g}"/>
  </asset>
  <worldbody>
    {"".join(lights)}
    <geom name="floor" type="plane" size="10 10 0.1" material="floor"/>
    <geom name="wall" type="box" pos="0 5 {wall_h:.3g}" size="10 0.05 {wall_h:.3g}"
          rgba="{_v(wall_c)} 1" contype="0" conaffinity="0"/>
    BODIES
  </worldbody>"""
    return sc


def _add(sc: Scene, shape: str, size: tuple[float, ...], radius_m: float, mass: float,
         col: tuple[float, float, float], pos: tuple[float, float, float],
         vel: tuple[float, float, float], spin: tuple[float, float, float], e: float,
         friction: str, euler: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> Body:
    b = Body(f"b{len(sc.bodies)}", shape, size, radius_m, mass, col, pos,
             (*vel, *spin), e, friction, euler)
    sc.bodies.append(b)
    return b


def add_ball(sc: Scene, rng: np.random.Generator, pos: tuple[float, float, float],
             vel: tuple[float, float, float], r: float, e: float = 0.7,
             mass: float = 0.5) -> Body:
    # condim 6: rolling friction (0.002 m: a rolling ball slows by ~0.1 m/s^2), else a ball
    # rolls for ever
    return _add(sc, "sphere", (r,), r, mass, _color(rng), pos, vel, (0.0, 0.0, 0.0), e,
                "0.5 0.002 0.002")


def add_box(sc: Scene, rng: np.random.Generator, pos: tuple[float, float, float],
            vel: tuple[float, float, float], half: float, spin: tuple[float, float, float],
            e: float = 0.3, mass: float = 0.5) -> Body:
    col = _color(rng)
    euler = tuple(rng.uniform(0, 1, 3).tolist())
    return _add(sc, "box", (half,) * 3, half, mass, col, pos, vel, spin, e, "0.7", euler)


def add_cylinder(sc: Scene, rng: np.random.Generator, pos: tuple[float, float, float],
                 vel: tuple[float, float, float], r: float, length: float,
                 spin: tuple[float, float, float], e: float = 0.4, mass: float = 0.5) -> Body:
    """A solid cylinder (a can, a log): its silhouette changes with the way it faces the
    camera (a disc end-on, a rectangle side-on) while it tumbles, as no ball's does."""
    col = _color(rng)
    euler = tuple(rng.uniform(0, 3, 3).tolist())
    return _add(sc, "cylinder", (r, length / 2), max(r, length / 2), mass, col, pos, vel, spin,
                e, "0.6", euler)


def _body_xml(b: Body) -> str:
    condim = 6 if b.shape == "sphere" else 3
    return f"""
    <body name="{b.name}" pos="{_v(b.pos)}" euler="{_v(b.euler)}">
      <freejoint/>
      <geom name="{b.name}_c" type="{b.shape}" size="{_v(b.size)}" mass="{b.mass}" group="3"
            priority="1" condim="{condim}" friction="{b.friction}" solref="{_solref(b.e)}"
            solimp="0.95 0.95 0.001"/>
      <geom name="{b.name}_v" type="{b.shape}" size="{_v(b.size)}" density="0" contype="0"
            conaffinity="0" group="0" material="body" rgba="{_v(b.color)} 1"/>
    </body>"""


def build(sc: Scene, fov_deg: float) -> None:
    """Compile the scene into a MuJoCo model and set its bodies moving."""
    excl = "".join(f'<exclude body1="{a.name}" body2="{b.name}"/>' for a, b in sc.excludes)
    xml = f"""<mujoco model="physcheck">
  <compiler angle="radian"/>
  <option timestep="{1.0 / PHYSICS_HZ:.9f}" gravity="0 0 {-G}"/>
  <visual>
    <global offwidth="{W}" offheight="{H}" fovy="{fov_deg:.4g}"/>
    <quality shadowsize="4096" offsamples="4"/>
    <headlight ambient="0.25 0.25 0.25" diffuse="0.15 0.15 0.15" specular="0 0 0"/>
    <map znear="0.01" zfar="20"/>
  </visual>
  <statistic extent="4" center="0 1.2 0.3"/>
  {sc.look.replace("BODIES", "".join(_body_xml(b) for b in sc.bodies))}
  <contact>{excl}</contact>
</mujoco>"""
    m = mujoco.MjModel.from_xml_string(xml, sc.assets)
    d = mujoco.MjData(m)
    for b in sc.bodies:
        b.bid = m.body(b.name).id
        jnt = m.body_jntadr[b.bid]
        b.qadr, b.dadr = int(m.jnt_qposadr[jnt]), int(m.jnt_dofadr[jnt])
        b.gcol, b.gvis = m.geom(f"{b.name}_c").id, m.geom(f"{b.name}_v").id
        d.qvel[b.dadr:b.dadr + 6] = b.vel
    mujoco.mj_forward(m, d)
    sc.model, sc.data = m, d


def _pos(sc: Scene, b: Body) -> np.ndarray:
    """The body's position: a view into qpos (writing it moves the body)."""
    return sc.data.qpos[b.qadr:b.qadr + 3]


def _vel(sc: Scene, b: Body) -> np.ndarray:
    """The body's linear velocity: a view into qvel."""
    return sc.data.qvel[b.dadr:b.dadr + 3]


def _hook_once(sc: Scene, at_s: float, fn: Callable[[], None]) -> None:
    done = [False]

    def hook(t: float) -> None:
        if not done[0] and t >= at_s:
            done[0] = True
            fn()
    sc.hooks.append(hook)


def _hold_up(sc: Scene, b: Body, extra: float = 0.0) -> None:
    """Cancel gravity (and push up by ``extra`` m/s^2) for the next step (the forces are
    cleared before each step)."""
    sc.data.xfrc_applied[b.bid, 2] += b.mass * (G + extra)


def _no_contacts(sc: Scene, b: Body) -> None:
    sc.model.geom_contype[b.gcol] = 0
    sc.model.geom_conaffinity[b.gcol] = 0


def _set_alpha(sc: Scene, b: Body, a: float) -> None:
    """Show or hide the drawn geom: with alpha 0 it is not drawn and casts no shadow."""
    sc.model.geom_rgba[b.gvis, 3] = a


# --- scenes: x to the right, y away from the camera, z up; the camera looks at y ~ 1 --------
# engine3d_eval's scenes, drawn from the random stream in the same order


def sc_bounce(sc: Scene, rng: np.random.Generator) -> None:
    add_ball(sc, rng, (rng.uniform(-1.0, -0.4), rng.uniform(0.3, 1.8), rng.uniform(0.9, 1.4)),
             (rng.uniform(0.3, 0.9), rng.uniform(-0.8, 0.8), 0), rng.uniform(0.09, 0.14),
             e=rng.uniform(0.55, 0.8))


def sc_throw_depth(sc: Scene, rng: np.random.Generator) -> None:
    """A ball thrown away from the camera (or towards it): it shrinks (or grows) in flight."""
    away = rng.random() < 0.5
    y0, vy = (-0.3, rng.uniform(1.2, 1.8)) if away else (2.6, -rng.uniform(1.2, 1.8))
    add_ball(sc, rng, (rng.uniform(-0.6, 0.2), y0, 0.25), (rng.uniform(0.0, 0.5), vy,
                                                          rng.uniform(3.2, 3.8)), 0.11, e=0.6)


def sc_roll_toward(sc: Scene, rng: np.random.Generator) -> None:
    """Two balls rolling on the floor, one towards the camera, one across far away."""
    add_ball(sc, rng, (rng.uniform(-0.5, 0.5), 3.0, 0.12), (rng.uniform(-0.3, 0.3),
                                                            -rng.uniform(1.2, 1.8), 0), 0.12)
    add_ball(sc, rng, (-1.6, 2.2, 0.1), (rng.uniform(0.9, 1.3), 0, 0), 0.1)


def sc_many(sc: Scene, rng: np.random.Generator) -> None:
    sc.duration_s = 3.5
    for i in range(4):
        add_ball(sc, rng, (-1.0 + i * 0.65, rng.uniform(0.0, 2.5), rng.uniform(0.5, 1.4)),
                 (rng.uniform(-0.8, 0.8), rng.uniform(-0.8, 0.8), rng.uniform(0, 2.0)),
                 rng.uniform(0.07, 0.12), e=rng.uniform(0.5, 0.8))


def sc_box_tumble(sc: Scene, rng: np.random.Generator) -> None:
    """A box tossed with spin: it lands, tumbles over its corners and slides to rest."""
    add_box(sc, rng, (-1.0, rng.uniform(0.5, 1.5), 0.5),
            (rng.uniform(1.8, 2.6), rng.uniform(-0.5, 0.5), rng.uniform(1.5, 2.5)), 0.1,
            spin=tuple(rng.uniform(-6, 6, 3).tolist()))


def sc_cyl_tumble(sc: Scene, rng: np.random.Generator) -> None:
    """A cylinder tossed with spin: it lands on its rim or its side, rolls and settles."""
    add_cylinder(sc, rng, (-1.0, rng.uniform(0.5, 1.5), 0.5),
                 (rng.uniform(1.6, 2.4), rng.uniform(-0.5, 0.5), rng.uniform(1.5, 2.5)),
                 rng.uniform(0.05, 0.07), rng.uniform(0.2, 0.3),
                 spin=tuple(rng.uniform(-8, 8, 3).tolist()))


def sc_shapes(sc: Scene, rng: np.random.Generator) -> None:
    """A cube, a cylinder and a ball tossed together with spin (as in MOVi-like sets): they
    land, bounce, may knock each other, and settle."""
    xs = rng.permutation([-0.9, -0.2, 0.5])
    add_box(sc, rng, (xs[0], rng.uniform(0.5, 2.0), rng.uniform(0.4, 1.0)),
            (rng.uniform(-0.6, 0.6), rng.uniform(-0.6, 0.6), rng.uniform(0.5, 2.0)),
            rng.uniform(0.07, 0.11), spin=tuple(rng.uniform(-6, 6, 3).tolist()))
    add_cylinder(sc, rng, (xs[1], rng.uniform(0.5, 2.0), rng.uniform(0.4, 1.0)),
                 (rng.uniform(-0.6, 0.6), rng.uniform(-0.6, 0.6), rng.uniform(0.5, 2.0)),
                 rng.uniform(0.05, 0.07), rng.uniform(0.18, 0.28),
                 spin=tuple(rng.uniform(-6, 6, 3).tolist()))
    add_ball(sc, rng, (xs[2], rng.uniform(0.5, 2.0), rng.uniform(0.4, 1.0)),
             (rng.uniform(-0.6, 0.6), rng.uniform(-0.6, 0.6), rng.uniform(0.5, 2.0)),
             rng.uniform(0.07, 0.12), e=rng.uniform(0.5, 0.8))


def sc_collide(sc: Scene, rng: np.random.Generator) -> None:
    """Two balls rolling at each other meet and exchange momentum."""
    y = rng.uniform(0.6, 1.6)
    add_ball(sc, rng, (-1.3, y, 0.11), (rng.uniform(1.4, 2.0), 0, 0), 0.11, e=0.8)
    add_ball(sc, rng, (1.3, y + rng.uniform(-0.08, 0.08), 0.11),
             (-rng.uniform(1.4, 2.0), 0, 0), 0.11, e=0.8)


def sc_drop_pair(sc: Scene, rng: np.random.Generator) -> None:
    """Two balls dropped together, one near the camera, one far: the near one falls more
    pixels per second squared."""
    h = rng.uniform(1.0, 1.3)
    add_ball(sc, rng, (-0.5, -0.2, h), (0.2, 0, 0), 0.1, e=0.6)
    add_ball(sc, rng, (0.5, 2.8, h), (-0.2, 0, 0), 0.1, e=0.6)


def _flier(sc: Scene, rng: np.random.Generator) -> Body:
    """One ball thrown high across the frame, with some depth: the stage for violations."""
    b = add_ball(sc, rng, (-1.3, rng.uniform(0.2, 1.6), 0.3),
                 (rng.uniform(1.3, 1.7), rng.uniform(-0.5, 0.5), rng.uniform(3.6, 4.0)),
                 rng.uniform(0.1, 0.13), e=0.65)
    sc.focus = b
    return b


def sc_teleport(sc: Scene, rng: np.random.Generator) -> None:
    b = _flier(sc, rng)
    at = rng.uniform(0.35, 0.45)

    def jump() -> None:
        _pos(sc, b)[0] += 0.8
    _hook_once(sc, at, jump)
    sc.violation, sc.span_s = "teleport", (at, at)


def sc_hover(sc: Scene, rng: np.random.Generator) -> None:
    b = _flier(sc, rng)
    t0 = rng.uniform(0.35, 0.45)
    t1 = t0 + 0.6
    saved: list[np.ndarray] = []

    def hook(t: float) -> None:
        if t0 <= t < t1:
            if not saved:
                saved.append(_vel(sc, b).copy())
            _vel(sc, b)[:] = 0.0
            _hold_up(sc, b)
        elif t >= t1 and len(saved) == 1:
            saved.append(saved[0])
            _vel(sc, b)[:] = saved[0]
    sc.hooks.append(hook)
    sc.violation, sc.span_s = "hover", (t0, t1)


def sc_antigravity(sc: Scene, rng: np.random.Generator) -> None:
    b = _flier(sc, rng)
    t0 = rng.uniform(0.3, 0.4)
    t1 = t0 + 0.45

    def hook(t: float) -> None:
        if t0 <= t < t1:
            _hold_up(sc, b, 3.0)  # lift beats gravity
    sc.hooks.append(hook)
    sc.violation, sc.span_s = "antigravity", (t0, t1)


def sc_impulse(sc: Scene, rng: np.random.Generator) -> None:
    b = _flier(sc, rng)
    at = rng.uniform(0.4, 0.5)

    def kick() -> None:
        _vel(sc, b)[0] += 2.5
    _hook_once(sc, at, kick)
    sc.violation, sc.span_s = "impulse", (at, at)


def sc_energy_gain(sc: Scene, rng: np.random.Generator) -> None:
    """At its first bounce the ball leaves 1.3x faster than it came (1.7x higher)."""
    b = add_ball(sc, rng, (-0.6, rng.uniform(0.3, 1.5), 0.75), (0.6, rng.uniform(-0.3, 0.3), 0),
                 0.11, e=0.75)
    sc.focus = b
    sc.duration_s = 2.4
    state = {"v_in": 0.0, "hit": 0.0}

    def hook(t: float) -> None:
        if sc.span_s is not None:
            return
        z, vz = _pos(sc, b)[2], _vel(sc, b)[2]
        state["v_in"] = min(state["v_in"], vz)
        if z < b.radius_m:  # in contact: the soft contact lets it in a few millimetres
            state["hit"] = 1.0
        elif state["hit"] and vz > 0:  # it has just left the floor
            _vel(sc, b)[2] = -1.3 * state["v_in"]
            sc.span_s = (t, t + 0.3)
    sc.hooks.append(hook)
    sc.violation = "energy_gain"


def sc_vanish(sc: Scene, rng: np.random.Generator) -> None:
    b = _flier(sc, rng)
    at = rng.uniform(0.45, 0.6)
    _hook_once(sc, at, lambda: _set_alpha(sc, b, 0.0))
    sc.violation, sc.span_s = "vanish", (at, at)


def sc_appear(sc: Scene, rng: np.random.Generator) -> None:
    b = _flier(sc, rng)
    at = rng.uniform(0.5, 0.7)
    sc.hooks.append(lambda t: _set_alpha(sc, b, 0.0 if t < at else 1.0))
    sc.violation, sc.span_s = "appear", (at, at)


def sc_morph(sc: Scene, rng: np.random.Generator) -> None:
    """In flight the ball swells to 1.7x (or shrinks to 0.5x) in 0.3 s: its drawn geom is
    scaled, the one that collides is not."""
    b = _flier(sc, rng)
    t0 = rng.uniform(0.3, 0.4)
    t1 = t0 + 0.3
    grow = float(rng.choice([1.7, 0.5]))

    def hook(t: float) -> None:
        u = min(1.0, max(0.0, (t - t0) / (t1 - t0)))
        sc.model.geom_size[b.gvis, 0] = b.radius_m * (1 + (grow - 1) * u)
        sc.model.geom_rbound[b.gvis] = sc.model.geom_size[b.gvis, 0]
    sc.hooks.append(hook)
    sc.violation, sc.span_s = "morph", (t0, t1)


def sc_fall_through(sc: Scene, rng: np.random.Generator) -> None:
    """A ball dropped on the floor sinks through it instead of bouncing."""
    b = add_ball(sc, rng, (rng.uniform(-0.8, 0.8), rng.uniform(0.3, 1.5), 1.2),
                 (rng.uniform(0.3, 0.6), rng.uniform(-0.2, 0.2), 0), 0.12)
    sc.focus = b
    sc.duration_s = 2.6
    t_hit = math.sqrt(2 * (1.2 - 0.12) / G)
    sinking = [False]

    def hook(t: float) -> None:
        if t >= t_hit - 0.02:
            if not sinking[0]:
                sinking[0] = True
                _no_contacts(sc, b)
                _vel(sc, b)[2] = -1.0
            _hold_up(sc, b)
    sc.hooks.append(hook)
    sc.violation, sc.span_s = "interpenetration", (t_hit, t_hit + 0.5)


def sc_rest_sink(sc: Scene, rng: np.random.Generator) -> None:
    """A cube or a ball (one or the other at even odds) dropped onto the floor settles and
    rests, then goes down into the floor (a generated object that melts into the table): by
    0.5-0.9 of its size over 0.5-0.8 s, the floor drawn over what goes below it."""
    pos = (rng.uniform(-0.6, 0.6), rng.uniform(0.4, 1.4), rng.uniform(0.4, 0.7))
    if rng.random() < 0.5:
        half = rng.uniform(0.08, 0.11)
        b = add_box(sc, rng, pos, (0.0, 0.0, 0.0), half,
                    spin=tuple(rng.uniform(-2, 2, 3).tolist()))
    else:
        half = rng.uniform(0.08, 0.12)
        b = add_ball(sc, rng, pos, (0.0, 0.0, 0.0), half, e=0.3)
    sc.focus = b
    sc.duration_s = 3.0
    t0, dur = rng.uniform(1.6, 1.9), rng.uniform(0.5, 0.8)
    depth = rng.uniform(0.5, 0.9) * 2 * half
    rest: list[np.ndarray] = []

    def hook(t: float) -> None:
        if t < t0:
            return
        q = sc.data.qpos[b.qadr:b.qadr + 7]
        if not rest:
            rest.append(q.copy())
            _no_contacts(sc, b)
        u = min(1.0, (t - t0) / dur)
        q[:] = rest[0]
        q[2] -= depth * (3 * u * u - 2 * u**3)
        sc.data.qvel[b.dadr:b.dadr + 6] = 0.0
    sc.hooks.append(hook)
    sc.violation, sc.span_s = "interpenetration", (t0, t0 + dur)


def sc_pass_through(sc: Scene, rng: np.random.Generator) -> None:
    """Two balls rolling at each other (``collide``'s set-up, slower) pass through one
    another instead of colliding: the pair is excluded from MuJoCo's contacts, so each rolls
    on as if the other were not there. The span is the time their spheres overlap."""
    y = rng.uniform(0.6, 1.6)
    r1, r2 = rng.uniform(0.09, 0.13), rng.uniform(0.09, 0.13)
    a = add_ball(sc, rng, (-1.3, y, r1), (rng.uniform(1.1, 1.7), 0, 0), r1, e=0.8)
    b = add_ball(sc, rng, (1.3, y + rng.uniform(-0.06, 0.06), r2),
                 (-rng.uniform(1.1, 1.7), 0, 0), r2, e=0.8)
    sc.excludes.append((a, b))
    sc.duration_s = 2.4
    span: list[float] = []

    def hook(t: float) -> None:
        if np.linalg.norm(_pos(sc, a) - _pos(sc, b)) < r1 + r2:
            span[:] = [span[0] if span else t, t]
            sc.span_s = (span[0], span[1])
    sc.hooks.append(hook)
    sc.violation, sc.span_s = "interpenetration", (0.0, 0.0)


SCENES: dict[str, Callable[[Scene, np.random.Generator], None]] = {
    "bounce": sc_bounce,
    "throw_depth": sc_throw_depth,
    "roll_toward": sc_roll_toward,
    "many": sc_many,
    "box_tumble": sc_box_tumble,
    "collide": sc_collide,
    "drop_pair": sc_drop_pair,
    "teleport": sc_teleport,
    "hover": sc_hover,
    "antigravity": sc_antigravity,
    "impulse": sc_impulse,
    "energy_gain": sc_energy_gain,
    "vanish": sc_vanish,
    "appear": sc_appear,
    "morph": sc_morph,
    "fall_through": sc_fall_through,
    "cyl_tumble": sc_cyl_tumble,
    "shapes": sc_shapes,
    "rest_sink": sc_rest_sink,
    "pass_through": sc_pass_through,
}


def _camera(eye: np.ndarray, target: np.ndarray) -> object:
    """A free camera at ``eye`` looking at ``target``."""
    cam = mujoco.MjvCamera()
    cam.type = mujoco.mjtCamera.mjCAMERA_FREE
    d = target - eye
    cam.lookat[:] = target
    cam.distance = float(np.linalg.norm(d))
    cam.azimuth = math.degrees(math.atan2(d[1], d[0]))
    cam.elevation = math.degrees(math.asin(d[2] / cam.distance))
    return cam


def setup(name: str, seed: int, fps: float | None = None) -> tuple[Scene, float, bool,
                                                                    Callable[[float], object]]:
    """Scene ``name`` for ``seed``, built: the scene, its frame rate (the seed's 24, 30 or 60
    fps, or ``fps``), whether the camera moves, and the camera at a time."""
    rng = np.random.default_rng([seed, list(SCENES).index(name), 5])
    fps = fps or [30.0, 24.0, 60.0][seed % 3]
    moving = seed % 2 == 1
    sc = new_world(rng, seed)
    SCENES[name](sc, rng)
    dist, height = rng.uniform(2.4, 3.0), rng.uniform(0.9, 1.4)
    fov = rng.uniform(45, 55)
    ph = rng.uniform(0, 2 * math.pi, 4)
    pan = rng.uniform(-0.25, 0.25) if moving else 0.0
    build(sc, fov)

    def camera(t: float) -> object:
        # a slow pan, and a hand that is not quite still
        sx = 0.015 * math.sin(2 * math.pi * 0.7 * t + ph[0]) if moving else 0.0
        sz = 0.01 * math.sin(2 * math.pi * 0.9 * t + ph[1]) if moving else 0.0
        target = np.array([pan * t / sc.duration_s + sx, 1.0, 0.55 + sz])
        eye = np.array([pan * t / sc.duration_s, -dist + 1.0, height])
        return _camera(eye, target)
    return sc, fps, moving, camera


def frames(sc: Scene, fps: float,
           camera: Callable[[float], object]) -> Iterator[tuple[float, np.ndarray]]:
    """The scene simulated and rendered: each frame's time and its H x W x 3 RGB image
    (before noise and encoding)."""
    m, d = sc.model, sc.data
    renderer = mujoco.Renderer(m, height=H, width=W)
    steps = round(PHYSICS_HZ / fps)
    try:
        for _ in range(int(sc.duration_s * fps)):
            for _s in range(steps):
                d.xfrc_applied[:] = 0.0
                for hook in sc.hooks:
                    hook(d.time)
                mujoco.mj_step(m, d)
            renderer.update_scene(d, camera(d.time))
            yield d.time, renderer.render()
    finally:
        renderer.close()


def write(name: str, seed: int, out: Path, fps: float | None = None) -> dict:
    """Render scene ``name`` for ``seed`` into ``out`` at the seed's frame rate (24, 30 or 60
    fps) or at ``fps``; returns its truth."""
    sc, fps, moving, camera = setup(name, seed, fps)
    path = out / f"{name}_s{seed}.mp4"
    proc = encoder(path, fps)
    assert proc.stdin is not None
    noise = np.random.default_rng(seed + 99)
    for _t, img in frames(sc, fps, camera):
        frame = img + noise.normal(0, 2.5, img.shape)
        proc.stdin.write(np.clip(frame, 0, 255).astype(np.uint8).tobytes())
    proc.stdin.close()
    proc.wait()
    return save_truth(path, name, seed, fps, moving, sc.violation, sc.span_s)


def main() -> int:
    args = set_args(__doc__ or "", ROOT / "bench" / "out" / "mujoco")
    if mujoco is None:
        print("mujoco_eval needs mujoco: pip install -e \".[bench]\"", file=sys.stderr)
        return 2
    return evaluate_set(list(SCENES), write, args)


if __name__ == "__main__":
    sys.exit(main())
