-- 000009_local_providers: offline image, video and avatar providers (issue #8,
-- item 2). Like `local` (speech), they run on the server itself with ffmpeg
-- (and espeak-ng for the avatar's voice): no network, no account, no key.
-- The results are real files (PNG, H.264 MP4) composed from the prompt, so
-- the demo and a fresh install can show every type end to end.
--
-- Prices are token ones (1 credit per image, per second of video, per spoken
-- second), scores low on quality. They are never auto-selected (new column
-- auto_select = false, read by internal.providers_ranked): a client gets them
-- by naming them (provider: "local-video").
-- input.image is a data: URI (data:image/png;base64,...) for these providers.

ALTER TABLE internal.providers ADD COLUMN auto_select boolean NOT NULL DEFAULT true;

INSERT INTO internal.providers
  (id, name, vendor, description, types, models, default_model, upstream_models,
   features, limitations, options, pricing, estimated_time, quality_score, speed_score,
   adapter, accepts, requires, poll_interval_s, time_limit_s, auto_select)
VALUES
('local-image', 'Local image (ffmpeg)', 'Doitong',
 'An offline picture composed on the server: a gradient whose colours come from the prompt, with the prompt written on it. No network and no provider key.',
 '{IMAGE}', '{ffmpeg}', 'ffmpeg', '{}',
 '{"Runs on the server, no network","Near-instant","PNG output in five aspect ratios"}',
 '{"A composition, not a generated picture: the prompt is drawn as text"}',
 '[{"name":"aspectRatio","type":"enum","description":"Frame shape (1024 pixels on the longer side).","allowedValues":["1:1","16:9","9:16","4:3","3:4"],"default":"1:1"}]',
 '{"unit":"image","credits":1,"minimum":1}',
 2, 20, 99, 'local-image', '{text}', '{text}', 1, 60, false),

('local-video', 'Local video (ffmpeg)', 'Doitong',
 'An offline H.264 clip made on the server: the prompt''s composition, or an image given inline, with a camera move. No network and no provider key.',
 '{VIDEO}', '{ffmpeg}', 'ffmpeg', '{}',
 '{"Runs on the server, no network","2 to 10 second clips","360p and 720p","Camera moves: zoom and pan","Image-to-video from a data: URI"}',
 '{"A composition, not a generated video","input.image must be a data: URI (PNG, JPEG or WebP)"}',
 '[{"name":"duration","type":"integer","description":"Clip length in seconds.","min":2,"max":10,"default":5},
   {"name":"resolution","type":"enum","description":"Output resolution (the shorter side).","allowedValues":["360p","720p"],"default":"360p"},
   {"name":"aspectRatio","type":"enum","description":"Frame shape.","allowedValues":["16:9","9:16","1:1","4:3","3:4"],"default":"16:9"},
   {"name":"cameraMove","type":"enum","description":"How the camera moves over the picture.","allowedValues":["zoom-in","zoom-out","pan-left","pan-right","none"],"default":"zoom-in"}]',
 '{"unit":"second","credits":1,"defaultDuration":5,"minimum":1,"multipliers":{"resolution":{"720p":2}}}',
 5, 20, 97, 'local-video', '{text,image}', '{text|image}', 1, 180, false),

('local-avatar', 'Local avatar (ffmpeg + espeak-ng)', 'Doitong',
 'An offline talking card: a portrait given inline (or a generated face) with input.text spoken by espeak-ng, as an MP4 as long as the speech. No network and no provider key.',
 '{AVATAR}', '{ffmpeg}', 'ffmpeg', '{}',
 '{"Runs on the server, no network","Speech from input.text in many languages","Portrait from a data: URI or a generated face"}',
 '{"No lip sync: the picture stays still","Robotic voice quality","input.image must be a data: URI (PNG, JPEG or WebP)"}',
 '[{"name":"voice","type":"string","description":"espeak-ng voice, e.g. en, en-us, de, fr.","default":"en"},
   {"name":"speed","type":"number","description":"Speaking rate.","min":0.5,"max":2,"default":1},
   {"name":"resolution","type":"enum","description":"Output resolution (the shorter side).","allowedValues":["360p","720p"],"default":"360p"},
   {"name":"aspectRatio","type":"enum","description":"Frame shape.","allowedValues":["1:1","16:9","9:16","4:3","3:4"],"default":"1:1"}]',
 '{"unit":"speech_second","credits":1,"defaultDuration":5,"minimum":1}',
 5, 20, 97, 'local-avatar', '{text,image}', '{text}', 1, 180, false);
