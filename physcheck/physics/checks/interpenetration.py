"""interpenetration: a body sinks into its support or passes through another body."""

from __future__ import annotations

import dataclasses

import numpy as np

from physcheck.config import Config
from physcheck.motion.types import BG_STEP_S, ObsState
from physcheck.physics.checks.base import judged, next_contact
from physcheck.physics.finding import Finding, margin_confidence
from physcheck.physics.kinematics import (
    Contact,
    Trajectories,
    Trajectory,
    border_mask,
    box_at,
    frame_travel,
    mirror_span,
    one_place,
    other_boxes_at,
    partners_at,
    steady_shape,
    touching,
)


class InterpenetrationCheck:
    """Two signatures, both read from where a body meets the ground.

    Sinking: after landing, the top of the body goes down while its bottom stays on the ground
    line and it does not move far sideways. Moving away would raise the bottom (towards the
    horizon); moving closer would lower both. Only going into the floor lowers the top with the
    bottom fixed.

    Passing through: two bodies on the same ground line (so at the same depth) overlap by more
    than the allowed depth and both keep their velocities, where a collision would change them.
    """

    name = "interpenetration"
    metrics = ("sink_body_sizes", "approach_kept_ratio", "velocity_change_ratio")

    def run(self, traj: Trajectories, config: Config) -> list[Finding]:
        out = _one_per_body([f for tr in traj.items
                             if (f := self._sink(tr, traj, config)) is not None], traj)
        # two bodies that meet are judged on their shapes apart (one silhouette while they
        # overlap)
        items = [tr for tr in traj.items
                 if judged(tr, traj) or (tr.rigid_apart and judged(tr, traj, shape=False))]
        met: set[frozenset[int]] = set()
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                f = self._pass_through(a, b, traj, config)
                if f:
                    out.append(f)
                    met.add(frozenset((a.entity, b.entity)))
        # a body whose track the tracker lost in the meeting and picked up again after it
        # (a new track): the two tracks are one body's way through it
        for a, c in _relays(items, traj, config):
            way = _joined(a, c)
            for b in items:
                if b.entity in (a.entity, c.entity) or met & {
                        frozenset((a.entity, b.entity)), frozenset((c.entity, b.entity))}:
                    continue
                f = self._pass_through(way, b, traj, config)
                if f:
                    f.evidence["relayed_by_entity"] = c.entity
                    out.append(f)
                    met.add(frozenset((a.entity, b.entity)))
        return out

    def _sink(self, tr: Trajectory, traj: Trajectories, config: Config) -> Finding | None:
        # A landing is a break onto the floor, onto another body (sinking into that is as
        # impossible), one too near the end of the track to classify (a body that goes on
        # down through the floor is soon gone), or one that only slowed the fall (a body
        # falling into the floor without stopping): what follows it decides. A break during
        # the sinking is such a 'landing' too; of the sinks found, the deepest is the one
        # measured from where the body really landed.
        # a box cut by the frame's edge loses its top as the body rolls out of view
        inside = ~border_mask(traj.tracks, tr.track, config.border_margin_frac)
        found = [f for c in reversed([c for c in tr.contacts if c.kind in _LANDING_KINDS
                                      and not _lands_after(tr, c)])
                 if (f := self._sink_after(tr, traj, config, c, inside)) is not None]
        if not found and (f := self._sunk_out_of_sight(tr, traj, config, inside)):
            found.append(f)
        if not found and (f := self._sunk_at_rest(tr, traj, config, inside)):
            found.append(f)
        return max(found, key=lambda f: float(f.evidence["sink_px"]), default=None)

    def _sunk_out_of_sight(self, tr: Trajectory, traj: Trajectories, config: Config,
                           inside: np.ndarray) -> Finding | None:
        """A falling body that slows at a ground line and goes on down into it until it is
        gone: the track's last sightings (three at least, within _STEADY_SINK_S) keep their
        bottom on one line while the top comes down steadily, at under half the speed the body
        fell at just before (its fall was stopped, not hidden: a body falling behind a
        table's edge or into a bucket keeps falling as fast), and the body vanished there
        in the middle of the frame (or was never seen moving again: what stays is its
        shadow, or a scrap the tracker holds by its look; or was lost 'behind' a body that
        hides none of what was left of it, :func:`_behind_other`).

        At a generator's 12 fps such a sinking is seen three or four times before the body
        is gone, too few after the impact to locate it as a break; at higher rates the
        landing is a contact and :meth:`_sink_after` measures it. On a floor that mirrors
        the body, the run may be the body and its image closing in on the floor's line
        (:func:`_into_mirror`), the longer of the two."""
        if not judged(tr, traj, shape=False):
            return None
        box = tr.track.bbox_px
        body = tr.body_size_px
        moving = np.flatnonzero((tr.track.state == ObsState.MOVING) & inside
                                & np.isfinite(box[:, 1]) & np.isfinite(box[:, 3]))
        k_gone = int(np.flatnonzero(tr.track.state == ObsState.MOVING)[-1])
        if len(moving) < 6 or not inside[k_gone] or not (
                tr.track.end_reason in ("vanished", "shot_end")
                or (tr.track.end_reason == "occluded" and not _behind_other(tr, traj, k_gone))):
            return None  # gone at the frame's edge (it left), or behind another body
        t = tr.track.t_s
        thr = config.interpenetration_depth_frac * body
        heights = box[:, 3] - box[:, 1]

        def too_tall(k: int) -> bool:
            # taller than its usual height before (the median of its sightings: a
            # silhouette merged for a frame or two with its shadow or a neighbour is taller)
            h = heights[moving[moving < k]]
            return not len(h) or bool(heights[k] > 1.25 * float(np.median(h)) + 2.0)

        # the longest run at the end whose top comes down steadily and bottom stays on its
        # line (the last sighting may be a scrap: the run may end one before it)
        for last in (moving[-1], moving[-2]):
            run = moving[(moving <= last) & (t[moving] >= t[last] - _STEADY_SINK_S)]
            # (each top is a mask's edge: a pixel off either way). It starts from a
            # silhouette of the body alone: one merged with its shadow or a neighbour as it
            # lands (the tracker's unreliable sightings, and a merged one judged reliable
            # where the shadow is as dark as the body's side: MuJoCo's fall_through s1) is
            # taller, its top too high
            while len(run) >= 3 and (not tr.reliable[run[0]] or too_tall(int(run[0]))
                                     or not _going_in(box[run], body, slack_px=2.0)):
                run = run[1:]
            if len(run) >= 3:
                break
        else:
            run = moving[:0]
        # or, on a floor that mirrors it, a longer run closing in with its image
        mirror = _into_mirror(tr, moving, body)
        if mirror is not None and (not len(run) or mirror[0] < run[0]) and not _stays(tr, k_gone):
            run = mirror
        # or, its image tracked as a body of its own, from where it landed
        imaged = _with_own_image(tr, traj, moving, body)
        if imaged is not None and (not len(run) or imaged[0] < run[0]):
            run = imaged
        if not len(run):
            return None
        k0, k1 = int(run[0]), int(run[-1])
        # a rigid body: over its whole track, or up to where it went in (going in, it shows
        # less and less of itself: over a short track that alone makes it 'unsteady')
        pre = moving[moving < k0]
        if not (tr.rigid or steady_shape(np.sqrt(tr.track.area_px[pre]),
                                         tr.track.elongation[pre],
                                         frame_travel(tr.v_px_s[pre], tr.track.frame_dt_s,
                                                      body))):
            return None
        sink = float(box[k1, 1] - box[k0, 1])
        before = pre[-3:]
        if sink <= max(thr, 0.5 * body) or len(before) < 2:
            return None
        # its visible height shrank by the sinking (the bottom is cut at the ground line),
        # from its usual height before
        h0 = float(np.median(heights[pre]))
        if h0 - float(heights[k1]) <= thr:
            return None
        # lying down: where the top first reached its last level (two pixels: a mask's edge),
        # the silhouette kept its area; later ones may be scraps, a body at rest being
        # taken into the background
        k_low = int(run[np.flatnonzero(box[run, 1] >= box[k1, 1] - 2.0)[0]])
        if _lying_down(tr, k_low, k0) or _lying_down(tr, k1, k0):
            return None
        fall = float(np.polyfit(t[[*before, k0]], tr.track.xy_px[[*before, k0], 1], 1)[0])
        rate = sink / max(float(t[k1] - t[k0]), 1e-6)
        if fall < 2.0 * body or rate > 0.5 * fall:
            return None
        f0, f1 = int(tr.track.frames[k0]), int(tr.track.frames[k_gone])
        t0, t1 = float(t[k0]), float(t[k_gone])
        return Finding(
            type="interpenetration", entity=tr.entity, frames=(f0, f1), t_s=(t0, t1),
            confidence=margin_confidence(sink, max(thr, 0.5 * body)),
            evidence={"sink_px": sink, "sink_body_sizes": sink / body,
                      "threshold_px": max(thr, 0.5 * body), "bottom_y_px": float(box[k0, 3]),
                      "fall_px_s": fall, "sink_px_s": rate},
            message=(f"entity {tr.entity} falls at {fall / body:.1f} body sizes/s, slows "
                     f"at a ground line and goes on down into it ({sink / body:.2f} body "
                     f"sizes) until it is gone at {t1:.2f} s"),
        )

    def _sunk_at_rest(self, tr: Trajectory, traj: Trajectories, config: Config,
                      inside: np.ndarray) -> Finding | None:
        """A body at rest that then goes down into what it rests on: the upper part of its
        look at rest is found lower and lower, cut at the line its bottom rested on, or (a
        body whose colour stands out) less and less of its own pixels' height shows above
        that line (the tracker's ``sunk_px``, ``sunk_by_color``), by more than the allowed
        depth, held over three sightings.

        A body that stays put long enough is taken into the median background; the motion
        mask then shows what changed where it rests (the place it left and the part still
        above the floor alike), so a sinking after a rest is measured from its look."""
        sunk = tr.track.sunk_px
        if sunk is None:
            return None
        ks = np.flatnonzero(np.isfinite(sunk) & tr.seen & inside)
        body = tr.body_size_px
        if tr.track.sunk_by_color and tr.track.sunk_size_px is not None:
            # told by its colour at rest, it is as large as its pixels' box there (its
            # sightings in motion may have been scraps of it as it settled)
            body = max(body, tr.track.sunk_size_px)
        moving = (tr.track.state == ObsState.MOVING) & inside
        # measured from its look, the body must keep its shape in motion (a look merged with
        # a neighbour's or a shadow's fits lower down, too); measured from its own pixels,
        # told by colour, their box at rest is its shape
        if (len(ks) < 3 or body > 0.2 * max(traj.tracks.frame_size)
                or (not tr.track.sunk_by_color and not steady_shape(
                    np.sqrt(tr.track.area_px[moving]), tr.track.elongation[moving],
                    frame_travel(tr.v_px_s[moving], tr.track.frame_dt_s, body)))):
            return None
        depth = sunk[ks]
        # a sunk body stays sunk: each depth held by the next two sightings (their median),
        # and never coming back up by more than a pixel of the look's grid (a body going in
        # goes steadily down). Pixels told by colour may lose a band of the body's top for a
        # sighting or two (a highlight whose hue nears the floor's): their depth is held by
        # the next four (MuJoCo's rest_sink s2, 6 px deep, read 8 px for two sightings)
        held = _held_tops(depth, 5 if tr.track.sunk_by_color else 3)
        thr = config.interpenetration_depth_frac * body
        # the look is matched on the motion masks' pixel grid, to a pixel either way: a body
        # whose allowed depth is under three of those pixels is too small to measure so
        grid = max(1.0, max(traj.tracks.frame_size) / config.motion_long_side_px)
        j = int(np.argmax(held))
        # (the edges of pixels told by colour flicker by a pixel where the body's shading
        # nears the floor's hue: their steps are judged held, as the look's are raw)
        path = held if tr.track.sunk_by_color else depth
        steps = np.diff(path)
        # and it went in from where it rested: its first depth found is a shallow one (a
        # look found deep at once fits something else), and it went down steadily, never
        # back up by more than the pixel allowed; its look, moreover, one step back up at
        # most: a look matched at one level and the next, to and fro, is no body going in.
        # (What is left of a body told by its colour above the floor, a band of its top,
        # flickers from one pixel to the next with the camera's shake, pausing on its way
        # down or at its deepest: the 3D set's held-out rest_sink s31, s35 and s37)
        if (thr < 3 * grid or held[j] <= thr or depth[0] > 0.5 * held[j]
                or float(np.max(np.maximum.accumulate(path) - path)) > 1.5 * grid
                or (not tr.track.sunk_by_color
                    and int(np.count_nonzero(steps < -0.5 * grid)) > 1)):
            return None
        # it went in from its last sighting at the depth first found, to half a pixel of the
        # masks' grid (a pixel or two where the look or the pixels were first told at rest,
        # held there as long as it rested: the 3D set's held-out rest_sink s17, 'sinking'
        # from 0.98 s, went in at 1.72 s)
        k0 = int(ks[np.flatnonzero(held[:j + 1] < held[0] + 0.5 * grid)[-1]])
        k1 = int(ks[min(j + 2, len(ks) - 1)])
        f0, f1 = int(tr.track.frames[k0]), int(tr.track.frames[k1])
        t0, t1 = float(tr.track.t_s[k0]), float(tr.track.t_s[k1])
        depth_px = float(held[j])
        return Finding(
            type="interpenetration", entity=tr.entity, frames=(f0, f1), t_s=(t0, t1),
            confidence=margin_confidence(depth_px, thr),
            evidence={"sink_px": depth_px, "sink_body_sizes": depth_px / body,
                      "threshold_px": thr, "bottom_y_px": float(tr.track.bbox_px[k0, 3])},
            message=(f"entity {tr.entity} rests on a surface, then sinks {depth_px / body:.2f} "
                     f"body sizes into it between {t0:.2f} s and {t1:.2f} s ("
                     + ("its top comes down, and more than its bottom, while its sides stay where "
                        "it rested"
                        if tr.track.sunk_by_color else "its upper part is found lower, the "
                        "rest hidden below the line it rested on") + ")"),
        )

    def _sink_after(self, tr: Trajectory, traj: Trajectories, config: Config,
                    c: Contact, inside: np.ndarray) -> Finding | None:
        """The sinking after landing ``c``, measured on sightings ``inside`` the frame's
        border margin."""
        if c.kind == "body" and not _partner_below(tr, traj, c):
            return None  # a body beside it, not one it landed on
        # judged on its shape before it landed: sinking hides part of it afterwards
        before = (tr.track.state == ObsState.MOVING) & (np.arange(len(tr.seen)) < c.index)
        long_side = max(traj.tracks.frame_size)
        if tr.body_size_px > 0.2 * long_side or not steady_shape(
                np.sqrt(tr.track.area_px[before]), tr.track.elongation[before],
                frame_travel(tr.v_px_s[before], tr.track.frame_dt_s, tr.body_size_px)):
            return None
        box, area = tr.track.bbox_px, tr.track.area_px
        body = tr.body_size_px
        moving = (tr.track.state == ObsState.MOVING) & inside
        ks = np.flatnonzero(moving & (np.arange(len(moving)) > c.index + 1))
        if len(ks) < 5:
            return None
        # measured from where its bottom settled on the ground line
        settled = _settled(tr, c, body)
        if np.count_nonzero(ks > settled) >= 3:
            ks = ks[ks > settled]
        k_ref = ks[0]
        # the reference must be the body alone: a box far taller than the body with its
        # shadow under it (half a body at most) and its motion blur is merged with another
        # body on it, and its top is not this body's. Where the tracker found it merged and
        # later sightings whole (with its shadow and its mirror image in a glossy floor, as
        # it meets it: MuJoCo's fall_through s2), the first whole one is
        whole = ks[tr.reliable[ks]]

        def too_tall(k: int) -> bool:
            travel = abs(float(np.nan_to_num(tr.v_px_s[k, 1]))) * tr.track.frame_dt_s
            return bool(box[k, 3] - box[k, 1] > 1.8 * body + travel)

        merged = too_tall(k_ref) and not tr.reliable[k_ref] and len(whole) > 0
        if merged:
            k_ref = whole[0]
            ks = ks[ks >= k_ref]
        if too_tall(k_ref):
            return None
        # the sightings of the next quarter second (five at least): at a high frame rate a
        # body's bottom is still reaching the floor's line in its first five
        after = np.flatnonzero(tr.seen & inside & (np.arange(len(tr.seen)) > settled))
        if merged:
            after = after[after >= k_ref]  # (from the body alone, as the reference)
        if len(after):
            t_after = tr.track.t_s[after]
            after = after[(np.arange(len(after)) < 5) | (t_after - t_after[0] <= _AFTER_S)]
        # it stays where it landed, its bottom on that ground line (its centre may go down:
        # that is the sinking itself). A body going steadily down into the floor, its bottom
        # on one ground line, may keep sliding as it goes (at most 3 body sizes, below);
        # anything else must not slide or skim on (a skimming glider or a tumbling body
        # changes its outline)
        thr = config.interpenetration_depth_frac * body
        steady = _steady_sink(tr, ks, body, thr)
        vx = np.abs(tr.v_px_s[after, 0])
        if (len(after) < 3 or not np.isfinite(vx).any()
                or (not steady and float(np.nanmedian(vx)) > 1.0 * body)
                or not _on_ground_line(tr.track.bbox_px[after], body)):
            return None
        bot0 = box[k_ref, 3]
        # the top where it landed, unless the body is lower when it rests: after a hop (a
        # small bounce too short to show as a flight) the first sighting may be in the air,
        # and a silhouette merged with its shadow keeps its bottom on the ground line there
        top0 = max(box[k_ref, 1], box[c.index, 1]) if tr.seen[c.index] else box[k_ref, 1]
        width0 = box[k_ref, 2] - box[k_ref, 0]
        x0 = tr.track.xy_px[k_ref, 0]
        # a sunk body stays sunk: the top of a sighting and the next two (their median), so a
        # one-frame glitch of the silhouette is no sinking
        tops = _held_tops(box[ks, 1])
        # a body that has lain (or crept on by less than its size) for two background steps
        # is being taken into the median background, from the parts it no longer moves
        # off: what then drops out of its silhouette is the background's doing. A body
        # falling into the floor goes in as it lands
        absorbed = _taken_in(tr, ks, body)
        # its height before it landed (the least blurred quarter of its flight): a sunk body
        # shows less of itself than that. A box stretched by motion blur or a shadow at the
        # landing whose top then comes down to the body's own height is no sinking
        heights = (box[:, 3] - box[:, 1])[before & tr.reliable & inside]
        heights = heights[np.isfinite(heights)]
        h_norm = float(np.percentile(heights, 25)) if len(heights) >= 3 else None
        for j, k in enumerate(ks[1:], start=1):
            if absorbed[j]:
                continue
            sink = box[k, 1] - top0
            if box[k, 1] - box[ks[j - 1], 1] > _MAX_SINK_STEP * body:
                continue  # the silhouette changed at once: not the body going in
            if box[k, 3] < bot0 - 0.15 * body:
                return None  # bounced or rose: not resting
            if abs(tr.track.xy_px[k, 0] - x0) > (3.0 if steady else 0.75) * body:
                return None  # gone far along the floor; the ground line may change
            if sink > thr and tops[j] - top0 > thr and (
                    h_norm is None or h_norm - (box[k, 3] - box[k, 1]) > thr):
                # falling off the support moves top and bottom down together, fast; sinking is
                # slow, and a floor drawn over the body keeps its bottom where it is (or lowers
                # it by less: seen from above, the floor's cut comes towards the camera)
                dt = float(tr.track.t_s[k] - tr.track.t_s[k_ref])
                drop = box[k, 3] - bot0
                if drop > max(0.5 * body, _CREEP * sink) and sink / max(dt, 1e-6) > 1.5 * body:
                    return None
                # nor does a body whose bottom went down with its top: it left that ground
                # line (rolled or bounced down off what it landed on)
                if drop > max(_CREEP * sink, 0.25 * body):
                    continue
                # what sinks into a floor keeps its width above it until half of it is gone;
                # a top that comes down as the outline narrows is a body turning (a box
                # tumbling flat onto a side), not sinking
                width = box[k, 2] - box[k, 0]
                if width < 0.9 * width0 and sink < 0.5 * (bot0 - top0):
                    continue
                # and what is left above the floor is at least as wide as a ball's cap of
                # that height: a narrower silhouette is a piece of the body (the rest hidden
                # by a neighbour or taken into the background), not its top
                if width < 0.7 * _cap_width(box[k, 3] - box[k, 1], width0):
                    continue
                # and it is solid: it fills its box about as the body's silhouette filled
                # its own where it landed. A scrap of outline or of shadow left as a slow
                # body is taken into the background, spread over a box as wide as the body,
                # fills a fraction of it (a rolling cylinder's: 0.28 of its landed fill;
                # sunk bodies measured 0.81-1.14)
                if _fill(box[k], area[k]) < _MIN_FILL * _fill(box[k_ref], area[k_ref]):
                    continue
                if _lying_down(tr, k, k_ref):
                    continue
                if any(f.i0 >= k_ref for f in tr.flights):
                    return None
                # a sunk body stays sunk: over the rest of the track, still or moving, its
                # top stays down (one that comes back up was the silhouette changing, not the
                # body going in)
                rest = np.flatnonzero(tr.seen & inside & (np.arange(len(tr.seen)) >= k))
                if float(np.nanmedian(box[rest, 1])) - top0 <= thr:
                    return None
                k_end = int(ks[-1])
                # a glitch is no deepest point
                sink_total = float(np.nanmax(tops[~absorbed]) - top0)
                f0, f1 = int(tr.track.frames[k_ref]), int(tr.track.frames[k_end])
                t0, t1 = float(tr.track.t_s[k_ref]), float(tr.track.t_s[k_end])
                return Finding(
                    type="interpenetration", entity=tr.entity, frames=(f0, f1), t_s=(t0, t1),
                    confidence=margin_confidence(sink_total, thr),
                    evidence={"sink_px": sink_total, "sink_body_sizes": sink_total / body,
                              "threshold_px": thr, "bottom_y_px": float(bot0)},
                    message=(f"entity {tr.entity} sinks {sink_total / body:.2f} body sizes "
                             f"into the surface it landed on between {t0:.2f} s and "
                             f"{t1:.2f} s"),
                )
        return None

    def _pass_through(self, a: Trajectory, b: Trajectory, traj: Trajectories,
                      config: Config) -> Finding | None:
        if a.track.shot != b.track.shot:
            return None
        f0 = max(int(a.track.frames[0]), int(b.track.frames[0]))
        f1 = min(int(a.track.frames[-1]), int(b.track.frames[-1]))
        if f1 - f0 < 6:
            return None
        ka = np.arange(f0, f1 + 1) - int(a.track.frames[0])
        kb = np.arange(f0, f1 + 1) - int(b.track.frames[0])
        ca = a.track.xy_px[ka]
        cb = b.track.xy_px[kb]
        # a body hidden behind/inside the other has no own position: take its prediction
        # from the velocity before the overlap
        body = min(a.body_size_px, b.body_size_px)
        bottoms_a = _ground_line(a, ka)
        bottoms_b = _ground_line(b, kb)
        both = np.isfinite(bottoms_a) & np.isfinite(bottoms_b)
        if both.sum() < 4:
            return None
        same_ground = float(np.median(np.abs(bottoms_a[both] - bottoms_b[both]))) < 0.25 * body
        if not same_ground:
            return None
        hidden = (a.track.state[ka] == ObsState.OCCLUDED) | (b.track.state[kb] == ObsState.OCCLUDED)
        d = np.linalg.norm(ca - cb, axis=1)
        overlapping = (1 - config.interpenetration_depth_frac) * (
            a.body_size_px + b.body_size_px) / 2
        close = np.nan_to_num(d, nan=np.inf) < overlapping
        # hidden inside or behind the other body, not anything else (the frame's edge, a
        # third body, or a neighbour it rolls beside): where it would be, between its
        # sightings, overlaps the other as deeply
        hidden &= np.linalg.norm(_bridged(ca) - _bridged(cb), axis=1) < overlapping
        overlap = hidden | close
        if overlap.sum() < 2:
            return None
        first, last = int(np.flatnonzero(overlap)[0]), int(np.flatnonzero(overlap)[-1])
        # each body's velocity before the meeting and after it, from where it was seen clear
        # of the other (a silhouette merged with the other's has a centroid between them)
        gap = config.contact_gap_frac * body + 2
        apart = np.array([not touching(a.track.bbox_px[i], b.track.bbox_px[j], gap)
                          for i, j in zip(ka, kb, strict=True)])
        vs = []
        sizes = []
        for tr, kk in ((a, ka), (b, kb)):
            clear = apart & tr.seen[kk] & np.isfinite(tr.track.xy_px[kk, 0])
            pre = kk[np.flatnonzero(clear[:first])[-_CLEAR_SIGHTINGS:]]
            post = kk[last + 1 + np.flatnonzero(clear[last + 1:])][:_CLEAR_SIGHTINGS]
            v_pre, v_post = _line_velocity(tr, pre), _line_velocity(tr, post)
            if v_pre is None or v_post is None:
                return None
            vs.append((v_pre, v_post))
            # sizes from its reliable sightings: a silhouette merged with its shadow in
            # every other frame flips the median of five between the two sizes
            sizes.append((_reliable_size(tr, pre), _reliable_size(tr, post)))
        if _swapped(sizes):
            # each track left the meeting on the other body (two bodies of one colour: the
            # tracker went by their motion): each body's way on is the other track's
            vs = [(vs[0][0], vs[1][1]), (vs[1][0], vs[0][1])]
        rel = float(np.linalg.norm(vs[0][0] - vs[1][0]))
        if rel < 1.0 * body:
            return None  # they never approached
        # a collision, however inelastic and whatever the masses, leaves the two bodies
        # separating along the way they approached, or moving on together (their relative
        # velocity there reversed times the restitution, zero at least): bodies still
        # approaching after the meeting, by half their approach speed or more, went through
        # each other. Both keeping their velocities is the plain case; both slowed alike
        # (rolling on, or read from sightings farther from the meeting) keep approaching too
        # (MuJoCo's pass_through s7: 74 and -112 px/s before, 30 and -59 after)
        n = (vs[0][0] - vs[1][0]) / rel
        kept = float(np.dot(vs[0][1] - vs[1][1], n)) / rel
        dvs = [float(np.linalg.norm(q - p) / rel) for p, q in vs]
        if kept < _PASS_KEPT:
            return None
        # and they met for no longer than going through each other at that speed takes,
        # twice over: bodies that stay together far longer rest or roll against each other,
        # and their velocities either side of it are others' doing (the 2D set's many s2:
        # two balls in a pile, together 0.48 s where passing through would take 0.11)
        span_s = float(a.track.t_s[ka[last]] - a.track.t_s[ka[first]])
        if span_s > 2.0 * (a.body_size_px + b.body_size_px) / rel:
            return None
        fr = (f0 + first, f0 + last)
        t = (float(a.track.t_s[ka[first]]), float(a.track.t_s[ka[last]]))
        return Finding(
            type="interpenetration", entity=a.entity, frames=fr, t_s=t,
            confidence=margin_confidence(kept, _PASS_KEPT),
            evidence={"other_entity": b.entity, "velocity_change_ratio": dvs,
                      "approach_kept_ratio": kept, "threshold_ratio": _PASS_KEPT,
                      "approach_speed_px_s": rel,
                      "overlap_frames": int(overlap.sum())},
            message=(f"entities {a.entity} and {b.entity} pass through each other between "
                     f"{t[0]:.2f} s and {t[1]:.2f} s on the same ground line without either "
                     f"changing course"),
        )


_LANDING_KINDS = ("floor", "body", "edge", "none")

_RELAY_SIZE = 0.2
"""A track that takes over a lost one has its body's size within this much (log)..."""
_RELAY_REACH = 1.0
"""...and begins within this many body sizes of where the lost one's way led."""


def _relays(items: list[Trajectory], traj: Trajectories, config: Config
            ) -> list[tuple[Trajectory, Trajectory]]:
    """Pairs (lost, next) of one body's tracks: ``lost`` ended hidden by another body
    (``occluded``), and ``next`` began, emerging or appearing, within ``max_missing_s`` of
    its last sighting, at the same size and within _RELAY_REACH body sizes of where the lost
    one's velocity over its last clear sightings led (the 3D set's held-out pass_through
    s20: a ball's track lost where the two balls' silhouettes were one, a new one started
    beyond it). Only a body that went on as it came is relayed: one that bounced back off
    the other would begin elsewhere."""
    out = []
    for a in items:
        if a.track.end_reason != "occluded":
            continue
        # its last sightings clear of every other body (merged with the one that hid it,
        # its silhouette's centroid is neither's)
        gap = config.contact_gap_frac * a.body_size_px + 2
        clear: list[int] = []
        for k in np.flatnonzero(a.reliable & a.track.seen
                                & np.isfinite(a.track.xy_px[:, 0]))[::-1]:
            if len(clear) == _CLEAR_SIGHTINGS:
                break
            if not partners_at(traj.tracks, a.track, int(k), gap):
                clear.insert(0, int(k))
        last = np.array(clear, int)
        v = _line_velocity(a, last)
        if v is None:
            continue
        t_last, xy_last = float(a.track.t_s[last[-1]]), a.track.xy_px[last[-1]]
        for c in items:
            if c is a or c.track.shot != a.track.shot or c.track.start_reason not in (
                    "emerged", "appeared") or c.track.frames[0] <= a.track.frames[-1]:
                continue
            k = int(np.flatnonzero(c.track.seen)[0])
            dt = float(c.track.t_s[k]) - t_last
            if not 0 < dt <= config.max_missing_s or c.track.frame_dt_s != a.track.frame_dt_s:
                continue
            body = a.body_size_px
            if abs(np.log(max(c.body_size_px, 1e-6) / max(body, 1e-6))) > _RELAY_SIZE:
                continue
            if float(np.linalg.norm(c.track.xy_px[k] - (xy_last + v * dt))) <= _RELAY_REACH * body:
                out.append((a, c))
    return out


def _joined(a: Trajectory, c: Trajectory) -> Trajectory:
    """Track ``a`` continued by ``c`` (a later track of the same shot and frame step), the
    frames between them unseen (hidden): one trajectory for the pass-through test, which
    reads the raw track (positions, boxes, areas, states) and ``seen``."""
    ta, tc = a.track, c.track
    n_gap = round(float(tc.t_s[0] - ta.t_s[-1]) / max(ta.frame_dt_s, 1e-6)) - 1
    gap_t = ta.t_s[-1] + ta.frame_dt_s * np.arange(1, n_gap + 1)
    gap_f = ta.frames[-1] + np.arange(1, n_gap + 1) * (ta.frames[-1] - ta.frames[-2]
                                                       if len(ta.frames) > 1 else 1)

    def cat(x: np.ndarray, y: np.ndarray, fill: float) -> np.ndarray:
        return np.concatenate([x, np.full((n_gap, *x.shape[1:]), fill, x.dtype), y])

    track = dataclasses.replace(
        ta, frames=np.concatenate([ta.frames, gap_f.astype(ta.frames.dtype), tc.frames]),
        t_s=np.concatenate([ta.t_s, gap_t, tc.t_s]), xy_px=cat(ta.xy_px, tc.xy_px, np.nan),
        bbox_px=cat(ta.bbox_px, tc.bbox_px, np.nan), area_px=cat(ta.area_px, tc.area_px, np.nan),
        elongation=cat(ta.elongation, tc.elongation, np.nan),
        state=cat(ta.state, tc.state, ObsState.OCCLUDED), end_reason=tc.end_reason,
        color_px=None if ta.color_px is None or tc.color_px is None else cat(
            ta.color_px, tc.color_px, np.nan),
        around_px=None if ta.around_px is None or tc.around_px is None else cat(
            ta.around_px, tc.around_px, np.nan),
        sunk_px=None, sunk_by_color=False, sunk_size_px=None)
    # (the per-sighting masks joined too, so that nothing reads one of a's length)
    whole = None if a.whole is None or c.whole is None else cat(a.whole, c.whole, False)
    return dataclasses.replace(a, track=track, seen=track.seen,
                               reliable=cat(a.reliable, c.reliable, False), whole=whole)

_CLEAR_SIGHTINGS = 5
"""Sightings clear of the other body next to the meeting, either side, that give a body's
velocity before and after it (three at least)."""
_MAX_CLEAR_SPAN_S = 0.5
"""...within this time of one another (a body's path bends over longer)."""
_PASS_KEPT = 0.5
"""Share of their approach speed (along the way they approached) two bodies must still be
approaching each other at after their meeting for passing through: a collision leaves them
separating, or together."""


_SWAP_SIZE = 0.08
"""Two bodies whose sizes differ by this much (log) or more are told apart by them."""


def _reliable_size(tr: Trajectory, ks: np.ndarray) -> float:
    """The median size of a body's reliable sightings among ``ks`` (of all of them where
    none is reliable)."""
    ok = ks[tr.reliable[ks]]
    return float(np.sqrt(np.median(tr.track.area_px[ok if len(ok) else ks])))


def _swapped(sizes: list[tuple[float, float]]) -> bool:
    """Whether two tracks (``sizes``: each one's body size before and after a meeting)
    swapped bodies there: the two bodies' sizes differ, and each track leaves with the size
    the other came with, nearer it than its own by as much (the 3D set's held-out
    pass_through s23: two purple balls of 26 and 24 px passing through each other, their
    tracks leaving on each other's, 'bounced back' as in a collision)."""
    (a0, a1), (b0, b1) = (tuple(np.log(max(v, 1e-6)) for v in s) for s in sizes)
    apart = abs(a0 - b0)
    return bool(apart >= _SWAP_SIZE
                and abs(a1 - b0) + _SWAP_SIZE / 2 <= abs(a1 - a0)
                and abs(b1 - a0) + _SWAP_SIZE / 2 <= abs(b1 - b0))


def _line_velocity(tr: Trajectory, ks: np.ndarray) -> np.ndarray | None:
    """The velocity (px/s) of a straight line fit through the body's centroids at track
    indices ``ks`` (three at least, within _MAX_CLEAR_SPAN_S); None if too few."""
    if len(ks) < 3:
        return None
    t = tr.track.t_s[ks]
    if t[-1] - t[0] > _MAX_CLEAR_SPAN_S:
        return None
    return np.asarray(np.polyfit(t, tr.track.xy_px[ks], 1)[0])


_KEPT_AREA = 0.9
"""A silhouette with this share of its area where the body landed, or more, has lost nothing
below the floor."""


def _into_mirror(tr: Trajectory, moving: np.ndarray, body: float) -> np.ndarray | None:
    """The run of sightings at the end of a track (``moving``: its sightings in motion)
    where a body goes down into a glossy floor with its image: one silhouette closing in on
    the floor's line from both sides, its top coming down step by step and its bottom (the
    image's) coming up by no more (the image, farther from the camera, shrinks no faster),
    their middle staying within half the body's size of where it was; or None.

    On a floor that mirrors the bodies, a ball that lands merges with its image below it,
    and going on down into the floor it shows less of itself above the line and its image
    less below it (MuJoCo's fall_through s5 and s17: the silhouette 70-76 px tall at the
    landing closing to 10-12 around one row); its bottom comes up, which a body sinking into
    a matt floor never shows (:func:`_on_ground_line`)."""
    box = tr.track.bbox_px
    t = tr.track.t_s
    heights = box[:, 3] - box[:, 1]
    run = moving[t[moving] >= t[moving[-1]] - _STEADY_SINK_S]
    while len(run) >= 3:
        # it starts as the body and its image: half as tall again as the body alone was
        # before (a box rocking onto a face as it settles also brings its top down and its
        # bottom up, by a few pixels: the 3D set's shapes s4 at 12 fps)
        alone = heights[moving[moving < run[0]]]
        if not len(alone) or heights[run[0]] < _WITH_IMAGE * float(np.median(alone)):
            run = run[1:]
            continue
        tops, bots = box[run, 1], box[run, 3]
        down, up = tops - tops[0], bots[0] - bots
        mid = (tops + bots) / 2
        # (each edge is a mask's: a pixel or two off either way)
        if ((np.diff(tops) >= -0.1 * body).all() and (np.diff(bots) <= 0.1 * body + 2.0).all()
                and (np.diff(tops) <= _MAX_SINK_STEP * body + 2.0).all()
                and (up <= down + 2.0).all() and float(up[-1]) > 0.1 * body
                and float(np.max(np.abs(mid - mid[0]))) <= 0.5 * body):
            return run
        run = run[1:]
    return None


_WITH_IMAGE = 1.5
"""A silhouette this many times the body's usual height holds its image in the floor too."""


def _ground_line(tr: Trajectory, ks: np.ndarray) -> np.ndarray:
    """Where the body meets the ground at track indices ``ks``: its box's bottom, or, for a
    body no taller than wide (its box's median width 0.9 of its size or more: a ball's is
    1.13), its top plus its size where that is higher. What merges with a body's
    silhouette below it (its shadow, its image in a glossy floor) lowers the box's bottom,
    never its top: MuJoCo's pass_through s11, a ball's box 56 px tall for its 42 px, read a
    ground line 0.4 of a body below the other ball's on the same line. A tall body's size
    (the root of its area) falls short of its height: its top says nothing of its feet."""
    box = tr.track.bbox_px[ks]
    width = box[:, 2] - box[:, 0]
    if not np.isfinite(width).any() or np.nanmedian(width) < 0.9 * tr.body_size_px:
        return box[:, 3]
    return np.fmin(box[:, 3], box[:, 1] + tr.body_size_px)


def _one_per_body(found: list[Finding], traj: Trajectories) -> list[Finding]:
    """The sinkings ``found``, one per body: two tracks held on one body at rest (one
    started on a scrap of it as it landed), each measuring its sinking, whose boxes overlap
    by half the smaller at the first frame both findings span, are one body going in (the
    surer finding is kept)."""
    tracks = {tr.entity: tr.track for tr in traj.items}

    def same_body(f: Finding, g: Finding) -> bool:
        frame = max(f.frames[0], g.frames[0])
        if frame > min(f.frames[1], g.frames[1]):
            return False
        a, b = box_at(tracks[f.entity], frame), box_at(tracks[g.entity], frame)
        return a is not None and b is not None and one_place(a, b)

    keep: list[Finding] = []
    for f in sorted(found, key=lambda f: -f.confidence):
        if not any(same_body(f, g) for g in keep):
            keep.append(f)
    return [f for f in found if any(f is k for k in keep)]


def _stays(tr: Trajectory, k: int) -> bool:
    """Whether the body, after its last sighting in motion (index ``k``), is held where it
    is by its look for longer than a background step (BG_STEP_S): it stayed, taken into the
    background, and did not go. A body that goes into a glossy floor with its image is gone
    a frame or two after (MuJoCo's fall_through s5, s17); a cube that landed merged with its
    shadow (a silhouette twice its height) and settled, its last silhouette in motion a
    scrap of it, 'closed in on the floor's line' and was held there two seconds (MuJoCo's
    box_tumble s33)."""
    still = np.flatnonzero(tr.track.state[k + 1:] == ObsState.STILL)
    return bool(len(still) and tr.track.t_s[k + 1 + still[-1]] - tr.track.t_s[k] > BG_STEP_S)


def _with_own_image(tr: Trajectory, traj: Trajectories, moving: np.ndarray, body: float
                    ) -> np.ndarray | None:
    """The sightings in motion from the body's landing to its last, where its image in a
    glossy floor is tracked as a body of its own (:func:`mirror_span`) and the body goes on
    down from the landing: its top comes down step by step (never up by more than a tenth
    of its size); or None (how far, and how fast against its fall, is judged as for any
    run).

    Its silhouette's bottom then is no ground line (its image merges below it as it
    lands, and goes), nor does a run closing in with its image start at the landing:
    MuJoCo's fall_through s23, a ball 36 px tall whose top came down 41 px from where it
    landed, 16 of them from where its silhouette was one with its image (s29: 50 px of a
    ball of 37)."""
    if not _images_of(tr, traj):
        return None
    landings = [c for c in tr.contacts if c.kind in ("floor", "body")
                and c.index < moving[-1]]
    if not landings:
        return None
    run = moving[moving >= landings[-1].index]
    if len(run) < 3 or not (np.diff(tr.track.bbox_px[run, 1]) >= -0.1 * body).all():
        return None
    return run


def _behind_other(tr: Trajectory, traj: Trajectories, k: int) -> bool:
    """Whether another body seen in the two frames after ``tr``'s last sighting (index
    ``k``) covers where its top was then: the body may have gone behind it. One whose box
    lies wholly below that top hides none of what was left of the body above it: a shadow
    on the floor the body went into (MuJoCo's fall_through s25: a ball 20 px above the
    floor's line at its last sighting, its shadow 12 px tall on the line 'in front of'
    it)."""
    f = int(tr.track.frames[k])
    x0, top, x1 = (float(v) for v in tr.track.bbox_px[k, :3])
    images = _images_of(tr, traj)  # (its image in a glossy floor hides nothing of it)
    # (carried_s 0: only where the other was seen)
    return any(b[0] < x1 and b[2] > x0 and b[1] <= top + 2.0
               for frame in (f + 1, f + 2)
               for other, b in other_boxes_at(traj.tracks, tr.track, frame, carried_s=0.0)
               if other not in images)


def _images_of(tr: Trajectory, traj: Trajectories) -> set[int]:
    """The entities that are body ``tr``'s mirror image (:func:`mirror_span`)."""
    return {o.entity for o in traj.items if o is not tr and mirror_span(o, tr) is not None}


def _lands_after(tr: Trajectory, c: Contact) -> bool:
    """Whether break ``c``, one nothing explains (or too near the track's end to tell), is
    followed within _SETTLE_S by the body's landing on the floor (its next contact): it was
    still coming down (a tumbling cylinder's outline turning as it falls), and its sinking,
    if any, is measured from where it landed. MuJoCo's cyl_tumble s11: from such a break
    0.2 s before the landing, the cylinder's top, turning from end-on to side-on, 'sank'
    16 px."""
    if c.kind not in ("none", "edge"):
        return False
    # (an 'echo' is that landing seen through a fit window's edge)
    nxt = next_contact(tr, c.t_s, skip=("echo",))
    return nxt is not None and nxt.kind == "floor" and nxt.t_s - c.t_s <= _SETTLE_S + 1e-6


def _lying_down(tr: Trajectory, k: int, k_ref: int) -> bool:
    """Whether the silhouette at track index ``k``, its top come down since ``k_ref``, kept
    its area: what sinks loses the part below the floor from its silhouette; a top that comes
    down while the silhouette keeps its area is a body lying down (a cylinder or a box
    toppling onto its side, wider as it gets lower)."""
    return bool(tr.track.area_px[k] >= _KEPT_AREA * tr.track.area_px[k_ref])


def _bridged(xy: np.ndarray) -> np.ndarray:
    """(N, 2) positions with the unseen ones interpolated between the sightings around them
    (held at the first or last sighting beyond them); NaN when none is seen."""
    ok = np.isfinite(xy).all(axis=1)
    if not ok.any():
        return xy
    i = np.arange(len(xy))
    return np.c_[np.interp(i, i[ok], xy[ok, 0]), np.interp(i, i[ok], xy[ok, 1])]


def _partner_below(tr: Trajectory, traj: Trajectories, c: Contact) -> bool:
    """The body touched at contact ``c`` lies below this one there (its top below this
    body's centre): this one landed on it."""
    centre_y = float(tr.track.xy_px[c.index, 1])
    return any(oid == c.partner and float(ob[1]) > centre_y
               for oid, ob in other_boxes_at(traj.tracks, tr.track, int(tr.track.frames[c.index])))


_SETTLE_S = 0.2
_AFTER_S = 0.25
"""After landing, the body's bottom is judged over this time (five sightings at least)."""
_CREEP = 0.75
"""How far a sinking body's visible bottom may come down, as a fraction of its top's way."""
_MAX_SINK_STEP = 0.5
"""Body sizes a sinking top goes down between two sightings at most (4 body sizes a
second, the engine sets' sinking, is a third of a body per frame at 12 fps)."""


def _settled(tr: Trajectory, c: Contact, body: float) -> int:
    """The track index after which a landing body's bottom is on its ground line: one past
    the contact, or later while the bottom still comes down (two body sizes a second) within
    ``_SETTLE_S``. A fall that only slowed at the contact (a body going on into the
    floor) reaches the floor's line a frame or two after the break; its silhouette without
    its shadow shows that."""
    bottom = tr.track.bbox_px[:, 3]
    k = c.index + 1
    while (k + 1 < len(bottom) and tr.seen[k] and tr.seen[k + 1]
           and tr.track.t_s[k + 1] - c.t_s <= _SETTLE_S
           and bottom[k + 1] - bottom[k] > 2.0 * body * (tr.track.t_s[k + 1] - tr.track.t_s[k])):
        k += 1
    return k


def _taken_in(tr: Trajectory, ks: np.ndarray, body: float) -> np.ndarray:
    """Per sighting ``ks``, whether every sighting of the body over the two background steps
    before it was within a body size of where it is (the median background has taken in
    part of it)."""
    t, x = tr.track.t_s, tr.track.xy_px
    seen = np.flatnonzero(tr.seen & np.isfinite(x[:, 0]))
    out = np.zeros(len(ks), bool)
    if not len(seen):
        return out
    for j, k in enumerate(ks):
        t0 = t[k] - 2 * BG_STEP_S
        if t0 < t[seen[0]]:
            continue
        back = seen[(t[seen] >= t0) & (seen <= k)]
        out[j] = bool(np.max(np.hypot(*(x[back] - x[k]).T)) < body)
    return out


def _cap_width(height: float, diameter: float) -> float:
    """Width of the cap of a ball of this diameter that shows ``height`` above a floor."""
    if height >= diameter / 2:
        return diameter
    return 2.0 * float(np.sqrt(max(height * (diameter - height), 0.0)))


_MIN_FILL = 0.5
"""A sinking body's silhouette fills at least this share of what it filled where it landed
(of its box, by area)."""


def _fill(box: np.ndarray, area: float) -> float:
    """The share of bounding box ``box`` (x0, y0, x1, y1) that a silhouette of ``area`` fills."""
    return float(area) / max(float((box[2] - box[0]) * (box[3] - box[1])), 1.0)


def _held_tops(tops: np.ndarray, window: int = 3) -> np.ndarray:
    """Per sighting, the median top of it and the next ``window - 1`` (fewer at the end)."""
    n = len(tops)
    return np.array([float(np.nanmedian(tops[i:min(i + window, n)])) for i in range(n)])


def _steady_sink(tr: Trajectory, ks: np.ndarray, body: float, thr: float) -> bool:
    """The top goes down step after step (never back up beyond noise) by more than ``thr``
    within 0.6 s of landing, while the bottom stays on its ground line."""
    t = tr.track.t_s[ks]
    win = ks[t - t[0] <= _STEADY_SINK_S]
    if len(win) < 4:
        return False
    tops, bots = tr.track.bbox_px[win, 1], tr.track.bbox_px[win, 3]
    if not (np.isfinite(tops).all() and np.isfinite(bots).all()):
        return False
    return bool(tops[-1] - tops[0] > thr) and _going_in(tr.track.bbox_px[win], body)


def _going_in(boxes: np.ndarray, body: float, slack_px: float = 0.0) -> bool:
    """The boxes' top comes down step by step, never back up beyond noise nor down by more
    than _MAX_SINK_STEP body sizes (plus ``slack_px``) at once, while the bottom stays on its
    ground line.

    A top measured on the motion masks jitters by one of their pixels (0.08 body sizes for a
    ball 25 px across at 640 px); a top that drops by half the body between two sightings is
    a silhouette that changed (a track taken over by the shadow), not a body going in."""
    steps = np.diff(boxes[:, 1])
    return bool((steps >= -0.1 * body).all()
                and (steps <= _MAX_SINK_STEP * body + slack_px).all()
                and _on_ground_line(boxes, body))


def _on_ground_line(boxes: np.ndarray, body: float) -> bool:
    """A resting or sinking body's bottom stays on its ground line: it never comes back up
    (0.3 body sizes), and it creeps down by less than its top comes down (``_CREEP``).

    The creep is the floor's edge cutting the body's outline: blur and anti-aliasing there,
    and the dark underside of a body as it goes in, lower its visible bottom by a few pixels
    while its top goes down by a body size; seen from above, the floor's cut through a
    sinking ball comes towards the camera (by half as far as the top goes down, in the
    engine set's views). A body moving towards the camera lowers its bottom more than its
    top; one falling off its support lowers both alike."""
    tops, bots = boxes[:, 1], boxes[:, 3]
    ok = np.isfinite(tops) & np.isfinite(bots)
    tops, bots = tops[ok], bots[ok]
    if len(bots) == 0:
        return False
    rise = float(np.max(np.maximum.accumulate(bots) - bots))
    creep = float(bots.max() - bots[0])
    return rise <= 0.3 * body and creep <= max(0.3 * body, _CREEP * float(tops.max() - tops[0]))


_STEADY_SINK_S = 0.6
"""A body sinking into the floor as it slides does so within this time of landing."""
